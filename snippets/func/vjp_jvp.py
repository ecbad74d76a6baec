import torch
from torch.func import jvp, vjp

device = "cuda" if torch.cuda.is_available() else "cpu"


def f(x):  # R^3 -> R^2
    return torch.stack([x[0] * x[1], x[1] ** 2 + 3 * x[2]])


x = torch.tensor([1.0, 2.0, 3.0], device=device)
u = torch.tensor([1.0, 10.0], device=device)  # one weight per output
v = torch.tensor([1.0, 0.0, -1.0], device=device)  # one direction per input
J = torch.tensor([[2.0, 1.0, 0.0], [0.0, 4.0, 3.0]], device=device)  # by hand at x

# vjp: run f once, get its output and a function that maps u to u^T J.
y, vjp_fn = vjp(f, x)
(uJ,) = vjp_fn(u)  # a tuple: one entry per input of f
print("vjp_fn(u):         ", uJ.tolist())

# The tape-based way: backward(gradient=u), or torch.autograd.grad with grad_outputs.
x_leaf = x.clone().requires_grad_()
(tape,) = torch.autograd.grad(f(x_leaf), x_leaf, grad_outputs=u)
print("autograd.grad(...):", tape.tolist(), " u @ J:", (u @ J).tolist())

# jvp: push a direction v through f; returns f(x) and J v.
y2, Jv = jvp(f, (x,), (v,))
print("jvp(f, (x,), (v,)):", Jv.tolist(), " J @ v:", (J @ v).tolist())
print("same outputs:", torch.equal(y, y2), " vjp ok:", torch.allclose(uJ, u @ J), " jvp ok:", torch.allclose(Jv, J @ v))
# vjp_fn can be called again, with another u: the forward pass is not repeated.
(second,) = vjp_fn(torch.tensor([0.0, 1.0], device=device))
print("vjp_fn((0, 1)) = second row of J:", second.tolist())
