import torch

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


x = torch.ones(3, device=device, requires_grad=True)
wrong = {
    "two gradients for one input": lambda g: (2 * g, 2 * g),
    "a gradient on another device": lambda g: (2 * g).to("meta"),
}
for name, backward_fn in wrong.items():
    try:
        double_with(backward_fn).apply(x).sum().backward()
    except RuntimeError as error:
        print(f"{name}: {error}")

# A gradient of shape [1] for an input of shape [3]: refused as well.
double_with(lambda g: (2 * g).sum().reshape(1)).apply(x).sum().backward()
