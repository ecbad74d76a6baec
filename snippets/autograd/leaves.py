import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


def describe(name, t):
    # grad_fn is the backward node that produced t; print its class name, not its address
    node = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    print(f"{name:>3}: requires_grad={t.requires_grad!s:5}  is_leaf={t.is_leaf!s:5}  grad_fn={node}")


w = torch.tensor([1.0, -1.0], device=device, requires_grad=True)  # made by us: a leaf
x = torch.tensor([2.0, 3.0], device=device)  # plain data: also a leaf
describe("w", w)
describe("x", x)

h = w * x  # an input requires grad, so the result is recorded
describe("h", h)

d = x * 2  # no input requires grad: nothing is recorded
describe("d", d)

b = torch.zeros(2, device=device).requires_grad_()  # switch tracking on in place
describe("b", b)

out = (h + b).sum()
describe("out", out)
out.backward()
print("w.grad:", w.grad.tolist(), " b.grad:", b.grad.tolist())
