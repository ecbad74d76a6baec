import torch
from torch.func import hessian, jacfwd, jacrev, jvp

device = "cuda" if torch.cuda.is_available() else "cpu"


class Cube(torch.autograd.Function):  # setup_context style, no jvp, no vmap rule
    @staticmethod
    def forward(x):
        return x**3

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        ctx.save_for_backward(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return 3 * x**2 * grad_output


def total(t):
    return Cube.apply(t).sum()


x = torch.tensor([1.0, 2.0, 3.0], device=device)
v = torch.tensor([1.0, 0.0, -1.0], device=device)
print("jacrev, diagonal:", jacrev(Cube.apply)(x).diagonal().tolist())  # reverse mode: fine
for name, transform in [("jacfwd", jacfwd(Cube.apply)), ("hessian", hessian(total))]:
    try:
        transform(x)
    except RuntimeError as error:
        print(f"{name}: {str(error).split('. ')[0]}")
jvp(Cube.apply, (x,), (v,))  # forward mode needs a jvp staticmethod
