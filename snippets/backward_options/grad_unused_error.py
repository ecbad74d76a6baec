import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

w = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
unused = torch.tensor(3.0, device=device, requires_grad=True)  # the loss never uses it
loss = (w**2).sum()

torch.autograd.grad(loss, [w, unused])  # an input that is not in the graph: refused
