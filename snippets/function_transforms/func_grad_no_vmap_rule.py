import torch
from torch.func import grad, jacrev, vmap

device = "cuda" if torch.cuda.is_available() else "cpu"


class Cube(torch.autograd.Function):  # setup_context style, no generate_vmap_rule
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


x = torch.tensor([1.0, 2.0, 3.0], device=device)
print("grad:  ", grad(lambda t: Cube.apply(t).sum())(x).tolist())  # 3x**2
print("jacrev:", jacrev(Cube.apply)(x).tolist())  # diag(3x**2)
print("grad(grad) at 2:", grad(grad(Cube.apply))(torch.tensor(2.0, device=device)).item())  # 6x
vmap(Cube.apply)(x)  # vmap needs generate_vmap_rule = True (or a vmap staticmethod)
