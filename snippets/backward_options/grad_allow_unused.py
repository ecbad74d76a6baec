import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

w = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
unused = torch.tensor(3.0, device=device, requires_grad=True)  # the loss never uses it
loss = (w**2).sum()

grads = torch.autograd.grad(loss, [w, unused], allow_unused=True, retain_graph=True)
print("allow_unused=True:     ", [g if g is None else g.tolist() for g in grads])  # None: not used

grads = torch.autograd.grad(loss, [w, unused], materialize_grads=True)
print("materialize_grads=True:", [g.tolist() for g in grads])  # zeros of its shape instead
