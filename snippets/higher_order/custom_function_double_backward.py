import torch
from torch.autograd import gradcheck, gradgradcheck

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        # Plain differentiable tensor ops: under create_graph=True autograd
        # records them, so this gradient can itself be differentiated.
        return 3 * x**2 * grad_output


x = torch.tensor(3.0, device=device, requires_grad=True)
y = Cube.apply(x)
(dy,) = torch.autograd.grad(y, x, create_graph=True)
(d2y,) = torch.autograd.grad(dy, x)
print("dy/dx   = 3x**2 at 3:", dy.item())
print("d2y/dx2 = 6x    at 3:", d2y.item())

x64 = torch.randn(6, dtype=torch.float64, device=device, requires_grad=True)
print("gradcheck:    ", gradcheck(Cube.apply, (x64,)))
print("gradgradcheck:", gradgradcheck(Cube.apply, (x64,)))
