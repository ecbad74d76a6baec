import torch
from torch.autograd import gradcheck

device = "cuda" if torch.cuda.is_available() else "cpu"


def double_with(backward_fn):
    """A Function computing 2 * x whose backward is backward_fn(grad_output)."""

    class Double(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return 2 * x

        @staticmethod
        def backward(ctx, grad_output):
            return backward_fn(grad_output)

    return Double


cases = {
    "right: 2 * g": lambda g: 2 * g,
    "wrong value: 3 * g": lambda g: 3 * g,
    "2 * g and an extra None": lambda g: (2 * g, None),
    "float64 for float32 x": lambda g: (2 * g).double(),
    "rows 2g and 5g, shape [2, 3]": lambda g: torch.stack([2 * g, 5 * g]),
}
for name, backward_fn in cases.items():
    x = torch.ones(3, device=device, requires_grad=True)
    double_with(backward_fn).apply(x).sum().backward()
    print(f"{name:29s} x.grad = {x.grad.tolist()} {x.grad.dtype}")

x64 = torch.ones(3, dtype=torch.float64, device=device, requires_grad=True)
print("gradcheck, right backward:", gradcheck(double_with(cases["right: 2 * g"]).apply, (x64,)))
ok = gradcheck(double_with(cases["wrong value: 3 * g"]).apply, (x64,), raise_exception=False)
print("gradcheck, wrong value:   ", ok)
