import torch
from torch.func import grad, vmap

device = "cuda" if torch.cuda.is_available() else "cpu"


def f(x):  # x^2, written with .item() for one factor
    return x * x.item()


x = torch.tensor(3.0, device=device)
print("grad(f)(3) =", grad(f)(x).item(), " but d(x^2)/dx at 3 is", grad(lambda t: t * t)(x).item())
# Under grad, .item() returns a plain float: a constant, cut off from x, silently.

vmap(f)(torch.tensor([1.0, 2.0, 3.0], device=device))  # one float for three samples?
