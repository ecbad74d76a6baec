import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(2.0, device=device, requires_grad=True)
y = x**3

# create_graph=True records the backward pass, so its result can be differentiated.
(dy_dx,) = torch.autograd.grad(y, x, create_graph=True)
print("dy/dx = 3x^2 =", dy_dx.item())
print("dy/dx requires_grad:", dy_dx.requires_grad, " grad_fn:", dy_dx.grad_fn.name())

(d2y_dx2,) = torch.autograd.grad(dy_dx, x)
print("d2y/dx2 = 6x =", d2y_dx2.item())
