import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class Attention(nn.Module):
    def __init__(self, dim, mask_scores):
        super().__init__()
        self.qkv = nn.Linear(dim, 3 * dim)
        self.mask_scores = mask_scores

    def forward(self, x, mask):
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        scores = q @ k.transpose(-2, -1)  # matmul saves q and k, not its output
        if self.mask_scores:
            scores[mask] = float("-inf")  # in place, but on a tensor nobody saved
            weights = scores.softmax(dim=-1)
        else:
            weights = scores.softmax(dim=-1).masked_fill(mask, 0.0)  # a new tensor
        self.weights = weights
        return weights @ v


x = torch.randn(5, 8, device=device)
mask = torch.eye(5, dtype=torch.bool, device=device)
for mask_scores in (False, True):
    attention = Attention(8, mask_scores).to(device)
    attention(x, mask).sum().backward()
    print(f"mask_scores={mask_scores}: backward ran;",
          "masked weights are 0:", bool((attention.weights[mask] == 0).all()),
          "| rows sum to", [round(s, 4) for s in attention.weights.sum(dim=-1).tolist()])
