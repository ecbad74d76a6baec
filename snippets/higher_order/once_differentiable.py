import torch
from torch.autograd.function import once_differentiable

device = "cuda" if torch.cuda.is_available() else "cpu"


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    @once_differentiable  # backward runs under no_grad: its ops are not recorded
    def backward(ctx, grad_output):
        print("grad mode inside backward:", torch.is_grad_enabled())
        (x,) = ctx.saved_tensors
        return 3 * x**2 * grad_output


x = torch.tensor(2.0, device=device, requires_grad=True)
loss = Cube.apply(x) ** 2  # x**6
(grad,) = torch.autograd.grad(loss, x, create_graph=True)
print("first derivative 6x**5 at 2:", grad.item())  # fine
print("grad_fn of that gradient:", type(grad.grad_fn).__name__)
grad.backward()  # second derivative: refused
