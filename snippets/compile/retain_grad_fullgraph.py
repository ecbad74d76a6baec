import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


@torch.compile(backend="aot_eager", fullgraph=True)
def f(x):
    y = x * 2
    y.retain_grad()  # keep the gradient of an intermediate (works in eager mode)
    return (y * y).sum(), y


x = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
loss, y = f(x)
