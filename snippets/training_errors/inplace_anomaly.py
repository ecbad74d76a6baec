import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class Attention(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.qkv = nn.Linear(dim, 3 * dim)

    def forward(self, x, mask):
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        weights = (q @ k.transpose(-2, -1)).softmax(dim=-1)
        weights[mask] = 0.0
        return weights @ v


attention = Attention(8).to(device)
x = torch.randn(5, 8, device=device)
mask = torch.eye(5, dtype=torch.bool, device=device)
with torch.autograd.detect_anomaly(check_nan=False):  # record where each node was made
    attention(x, mask).sum().backward()
