import torch
from torch import nn
from torch.utils.checkpoint import checkpoint

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

block = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 4)).to(device)
x = torch.randn(2, 4, device=device, requires_grad=True)

out = checkpoint(block, x, use_reentrant=False)
(dx,) = torch.autograd.grad(out.sum(), x)  # fine without reentrancy
print("use_reentrant=False: autograd.grad works, dx shape", tuple(dx.shape))

out = checkpoint(block, x, use_reentrant=True)
(dx,) = torch.autograd.grad(out.sum(), x)
