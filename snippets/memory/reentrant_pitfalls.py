import torch
from torch import nn
from torch.utils.checkpoint import checkpoint

device = "cuda" if torch.cuda.is_available() else "cpu"


class Net(nn.Module):  # the first block is checkpointed, straight on the data
    def __init__(self, **checkpoint_options):
        super().__init__()
        self.block = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 4))
        self.head = nn.Linear(4, 1)
        self.options = checkpoint_options

    def forward(self, x):
        return self.head(checkpoint(self.block, x, **self.options))


for options in [{"use_reentrant": True}, {}, {"use_reentrant": False}]:
    torch.manual_seed(0)
    model = Net(**options).to(device)
    x = torch.randn(2, 4, device=device)  # data: it does not require grad
    model(x).sum().backward()
    print(f"checkpoint(..., {options}):")
    print("  block gets a gradient:", model.block[0].weight.grad is not None,
          " head gets a gradient:", model.head.weight.grad is not None)
