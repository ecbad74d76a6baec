import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


def node(t):
    """The name of the backward node that recorded t, or None: nothing recorded it."""
    return type(t.grad_fn).__name__ if t.grad_fn is not None else None


# Creating a tensor records nothing, with or without requires_grad.
data = torch.randn(2, 3, device=device)
w = torch.ones(3, device=device, requires_grad=True)
like = torch.zeros_like(w)  # made from w, yet a creation: not recorded either
print("created: data", node(data), "| w", node(w), "| zeros_like(w)", node(like), like.requires_grad)

# Operations whose inputs do not require grad record nothing.
plain = (data * 2).exp().sum()
print("ops on data only:", node(plain), " requires_grad:", plain.requires_grad)

# An operation is recorded when at least one input requires grad...
result = (data * w).sum()
mul = result.grad_fn.next_functions[0][0]
inputs = [type(n).__name__ if n is not None else None for n, _ in mul.next_functions]
print("(data * w).sum():", node(result), "<-", type(mul).__name__, "<- inputs", inputs)

# ...and grad mode is on: under no_grad nothing is recorded.
with torch.no_grad():
    print("under no_grad:", node((data * w).sum()))

# The input needs neither Variable nor requires_grad: the layer's parameters have it.
layer = nn.Linear(3, 1).to(device)
print("layer(data):", node(layer(data)), " data.requires_grad:", data.requires_grad)
