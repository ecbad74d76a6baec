import torch
from torch.func import grad

device = "cuda" if torch.cuda.is_available() else "cpu"
cache = torch.zeros(3, device=device)  # created outside the transformed function


def f(x):
    cache.copy_(x)  # remember the last input... in place, in a captured tensor
    return (cache**2).sum()


x = torch.tensor([1.0, 2.0, 3.0], device=device)
print("f(x) outside a transform:", f(x).item())
grad(f)(x)
