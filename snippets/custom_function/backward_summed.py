import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


def returning_ones(grad_shape):
    """A Function y = x whose backward returns torch.ones(grad_shape), whatever x is."""

    class Identity(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, grad_output):
            return torch.ones(grad_shape, device=grad_output.device)

    return Identity


# (shape of x, shape of the gradient backward returns)
for x_shape, grad_shape in [((3,), (2, 3)), ((1,), (3,)), ((3, 1), (3, 4)), ((3,), (3, 1))]:
    x = torch.zeros(x_shape, device=device, requires_grad=True)
    try:
        returning_ones(grad_shape).apply(x).sum().backward()
        print(f"x {list(x_shape)}, gradient {list(grad_shape)}: x.grad = {x.grad.tolist()}")
    except RuntimeError as error:
        print(f"x {list(x_shape)}, gradient {list(grad_shape)}: {error}")
