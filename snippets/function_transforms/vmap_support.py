import torch
from torch.func import grad, vmap

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class Cube(torch.autograd.Function):
    generate_vmap_rule = True  # let vmap batch forward and backward itself

    @staticmethod
    def forward(x):  # torch.func needs the forward + setup_context style
        return x**3

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        ctx.save_for_backward(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return 3 * x**2 * grad_output


def f(row):  # works on one sample of shape (3,)
    return Cube.apply(row).sum()


batch = torch.randn(4, 3, device=device)
looped = torch.stack([f(row) for row in batch])
batched = vmap(f)(batch)
print("vmap == loop:", torch.allclose(batched, looped), tuple(batched.shape))

per_sample_grads = vmap(grad(f))(batch)  # d f / d row, for every row at once
print("grad == 3x**2:", torch.allclose(per_sample_grads, 3 * batch**2))
second = grad(grad(Cube.apply))(torch.tensor(3.0, device=device))
print("grad(grad(Cube.apply)) = 6x at 3:", second.item())
