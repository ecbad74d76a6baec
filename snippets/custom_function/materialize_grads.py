import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


class SquareAndCube(torch.autograd.Function):  # two outputs: x**2 and x**3
    @staticmethod
    def forward(ctx, x, materialize):
        ctx.set_materialize_grads(materialize)  # default True
        ctx.save_for_backward(x)
        return x**2, x**3

    @staticmethod
    def backward(ctx, grad_sq, grad_cube):
        shown = [g if g is None else g.item() for g in (grad_sq, grad_cube)]
        print("  backward got grad_sq = {}, grad_cube = {}".format(*shown))
        (x,) = ctx.saved_tensors
        grad_x = torch.zeros_like(x)
        if grad_sq is not None:  # None means: that output was not used
            grad_x += 2 * x * grad_sq
        if grad_cube is not None:
            grad_x += 3 * x**2 * grad_cube
        return grad_x, None


x = torch.tensor(2.0, device=device, requires_grad=True)
for materialize in (True, False):
    print(f"set_materialize_grads({materialize}), loss uses only x**2:")
    square, cube = SquareAndCube.apply(x, materialize)
    (grad,) = torch.autograd.grad(square, x)
    print("  d(x**2)/dx at 2:", grad.item())
