import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(2.0, device=device, requires_grad=True)
y = x**3

# retain_graph=True keeps y's graph alive; it does not record the backward pass.
(dy_dx,) = torch.autograd.grad(y, x, retain_graph=True)
print("dy/dx = 3x^2 =", dy_dx.item())
print("dy/dx requires_grad:", dy_dx.requires_grad, " grad_fn:", dy_dx.grad_fn)

(d2y_dx2,) = torch.autograd.grad(dy_dx, x)  # nothing to differentiate: raises
