import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)

d = x.detach()  # no copy: a new tensor over the same memory, cut from the graph
print("d.requires_grad:", d.requires_grad)
print("d shares x's storage:", d.untyped_storage().data_ptr() == x.untyped_storage().data_ptr())
d[0] = 100.0
print("x after d[0] = 100:", x.tolist())

c = x.detach().clone()  # a real copy
print("c shares x's storage:", c.untyped_storage().data_ptr() == x.untyped_storage().data_ptr())
c[1] = -1.0
print("x after c[1] = -1: ", x.tolist())
