import torch
from torch import nn

device = "cuda" if torch.cuda.is_available() else "cpu"


def gradient(*layers):
    """The first weight's gradient for a model made of layers, on fixed data."""
    torch.manual_seed(0)  # the same weights and data for every model
    model = nn.Sequential(nn.Linear(8, 16), *layers, nn.Linear(16, 1)).to(device)
    x = torch.randn(4, 8, device=device)
    model(x).pow(2).mean().backward()
    return model[0].weight.grad


# The fix: an out-of-place ReLU leaves tanh's saved output alone.
fixed = gradient(nn.Tanh(), nn.ReLU())
print("Tanh, ReLU():", "gradient norm", round(fixed.norm().item(), 4))

# In place is safe where nothing saved the tensor it overwrites:
# Linear (addmm) saved its inputs, not its output.
inplace = gradient(nn.ReLU(inplace=True))
out_of_place = gradient(nn.ReLU())
print("Linear, ReLU(inplace=True): same gradient as ReLU():", torch.equal(inplace, out_of_place))
