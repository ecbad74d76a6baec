import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

w = torch.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
h = w * 2  # a non-leaf in the graph

d = h.detach()  # the same numbers, cut off from the graph
print("d.requires_grad:", d.requires_grad, " d.is_leaf:", d.is_leaf, " d.grad_fn:", d.grad_fn)
print("same storage as h:", d.untyped_storage().data_ptr() == h.untyped_storage().data_ptr())

d[0] = 100.0  # an in-place change through the detached tensor...
print("h after changing d:", h.tolist())  # ...shows up in h: it is not a copy
print("versions: h", h._version, " d", d._version)  # they share one version counter

c = h.detach().clone()  # an independent copy: its own storage
print("clone shares storage:", c.untyped_storage().data_ptr() == h.untyped_storage().data_ptr())
c[1] = -1.0
print("h after changing c:", h.tolist())
