import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(2.0, device=device, requires_grad=True)
y = x**3

# retain_graph=True keeps y's graph alive, but it does not record the backward
# pass, so the first derivative comes back as a constant.
(dy_dx,) = torch.autograd.grad(y, x, retain_graph=True)
print("dy/dx =", dy_dx.item(), " grad_fn:", dy_dx.grad_fn)

(d2y_dx2,) = torch.autograd.grad(dy_dx, x)  # nothing to differentiate
