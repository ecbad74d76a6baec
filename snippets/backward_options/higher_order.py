import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(2.0, device=device, requires_grad=True)
y = x**3

# create_graph=True records the backward computation itself as a graph,
# so the first derivative can be differentiated again.
(dy_dx,) = torch.autograd.grad(y, x, create_graph=True)
print("dy/dx   =", dy_dx.item(), " (3x^2)  grad_fn:", type(dy_dx.grad_fn).__name__)

(d2y_dx2,) = torch.autograd.grad(dy_dx, x)
print("d2y/dx2 =", d2y_dx2.item(), " (6x)")
print("x.grad  =", x.grad, " (autograd.grad returns gradients; it leaves .grad alone)")

# create_graph=True also kept the graph of y: a second pass through it works.
(again,) = torch.autograd.grad(y, x)
print("dy/dx again =", again.item())

# Without create_graph the derivative is a plain number, cut off from x.
(plain,) = torch.autograd.grad(x**3, x)
print("without create_graph: grad_fn =", plain.grad_fn, " requires_grad =", plain.requires_grad)
