import torch
from torch.func import vmap

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class CubeCombined(torch.autograd.Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(ctx, x):  # the combined style: ctx in forward
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return 3 * x**2 * grad_output


batch = torch.randn(4, 3, device=device, requires_grad=True)
CubeCombined.apply(batch).sum().backward()  # ordinary autograd is happy
print("backward() works:", torch.allclose(batch.grad, 3 * batch.detach() ** 2))
vmap(CubeCombined.apply)(batch.detach())  # torch.func refuses this style
