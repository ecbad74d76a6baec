import torch
from torch.func import grad, grad_and_value

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


def f(x):  # a plain function: tensor in, scalar tensor out
    return (torch.sin(x) * x).sum()


x = torch.randn(4, device=device)

# Tape-based: mark the input, run forward, call backward(), read .grad.
x_leaf = x.clone().requires_grad_()
f(x_leaf).backward()

# Functional: grad(f) is a new function that returns df/dx.
df = grad(f)
print("grad(f)(x):     ", [round(v, 4) for v in df(x).tolist()])
print("x_leaf.grad:    ", [round(v, 4) for v in x_leaf.grad.tolist()])
print("same:", torch.allclose(df(x), x_leaf.grad))
print("by hand, sin(x) + x cos(x):", torch.allclose(df(x), torch.sin(x) + x * torch.cos(x)))

# grad_and_value returns the gradient and f(x) from the same forward pass.
g, value = grad_and_value(f)(x)
print("value == f(x):", torch.allclose(value, f(x)), " gradient equal:", torch.equal(g, df(x)))
print("x.requires_grad:", x.requires_grad, " x.grad:", x.grad)


# argnums picks the arguments to differentiate; with a tuple, a tuple comes back.
def loss(w, b):
    return ((w * x + b) ** 2).mean()


w = torch.tensor(2.0, device=device, requires_grad=True)
b = torch.tensor(0.5, device=device, requires_grad=True)
dw, db = grad(loss, argnums=(0, 1))(w, b)
expected = torch.autograd.grad(loss(w, b), (w, b))
print("argnums=(0, 1) == torch.autograd.grad:", torch.allclose(dw, expected[0]), torch.allclose(db, expected[1]))
