import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

target = torch.tensor([3, 5], device=device)  # written with integers
print("target:", target.dtype, tuple(target.shape))

x = torch.randn(2, 2, device=device)  # 2 samples, 2 features each (mm shapes fixed)
w = torch.randn(2, 1, device=device, requires_grad=True)
y = x @ w  # one prediction per sample
print("y:", y.dtype, tuple(y.shape))

diff = y - target  # int64 is promoted to float32, but (2, 1) against (2,) broadcasts
print("y - target:", diff.dtype, tuple(diff.shape))

loss = nn.MSELoss()(y, target)  # runs too, and warns about the shapes
intended = ((y.squeeze(1) - target) ** 2).mean()  # sample i against target i
print(f"MSELoss: {loss.item():.4f}   intended loss: {intended.item():.4f}")
