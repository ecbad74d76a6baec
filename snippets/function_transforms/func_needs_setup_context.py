import torch
from torch.func import grad

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class CubeCombined(torch.autograd.Function):
    generate_vmap_rule = True  # does not help: the style is the problem

    @staticmethod
    def forward(ctx, x):  # the combined style: ctx in forward
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return 3 * x**2 * grad_output


x = torch.randn(3, device=device, requires_grad=True)
CubeCombined.apply(x).sum().backward()  # ordinary autograd is happy
print("backward() works:", torch.allclose(x.grad, 3 * x.detach() ** 2))
grad(lambda t: CubeCombined.apply(t).sum())(x.detach())  # even torch.func.grad refuses this style
