import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


def grad_at(f, point):
    """The gradient autograd returns for f(x).sum() at x = point."""
    x = torch.tensor(point, device=device, requires_grad=True)
    f(x).sum().backward()
    return x.grad.tolist()


cases = [
    ("torch.relu(x)", torch.relu, [0.0]),
    ("x.clamp(min=0)", lambda x: x.clamp(min=0), [0.0]),
    ("x.clamp(0, 1)", lambda x: x.clamp(0, 1), [0.0, 1.0]),
    ("torch.abs(x)", torch.abs, [0.0]),
    ("torch.sqrt(x)", torch.sqrt, [0.0]),
    ("torch.linalg.vector_norm(x)", torch.linalg.vector_norm, [0.0, 0.0]),
    ("x.pow(2).sum().sqrt()", lambda x: x.pow(2).sum().sqrt(), [0.0, 0.0]),
    ("torch.maximum(x[0], x[1])", lambda x: torch.maximum(x[0], x[1]), [2.0, 2.0]),
]
print(f"{'f(x)':30s}{'at x =':13s}gradient")
for name, f, point in cases:
    print(f"{name:30s}{str(point):13s}{grad_at(f, point)}")
