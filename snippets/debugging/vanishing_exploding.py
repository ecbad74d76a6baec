import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
depth, width = 30, 64
x = torch.randn(16, width, device=device)


def gradient_norms(activation, weight_std):
    """Run x through `depth` layers, backward once, return the gradient norm at each layer's output."""
    h, hidden = x, []
    for _ in range(depth):
        layer = nn.Linear(width, width, device=device)
        nn.init.normal_(layer.weight, std=weight_std / width**0.5)
        h = activation(layer(h))
        h.retain_grad()  # keep the gradient of this intermediate result
        hidden.append(h)
    h.sum().backward()
    return [t.grad.norm().item() for t in hidden]


stacks = {
    "sigmoid": (torch.sigmoid, 1.0),
    "linear, weights x2": (lambda t: t, 2.0),
    "relu, He init": (torch.relu, 2**0.5),
}
shown = (1, 10, 20, 30)
print(f"{'gradient norm at layer':22s}" + "".join(f"{k:>11d}" for k in shown))
norms = {}
for name, (activation, std) in stacks.items():
    norms[name] = gradient_norms(activation, std)
    print(f"{name:22s}" + "".join(f"{norms[name][k - 1]:11.3e}" for k in shown))
