import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Linear(4, 8)
        self.head = nn.Linear(8, 1)
        self.aux_head = nn.Linear(8, 1)  # defined, but forward never calls it

    def forward(self, x):
        return self.head(torch.relu(self.encoder(x)))


model = Model().to(device)
model.encoder.weight.requires_grad_(False)  # frozen, on purpose or left over from fine-tuning
x = torch.randn(16, 4, device=device)
model(x).pow(2).mean().backward()

# The check to run when a gradient is missing: which parameters got none, and why.
for name, p in model.named_parameters():
    if p.grad is None:
        reason = "requires_grad=False" if not p.requires_grad else "no recorded path to the loss"
        print(f"no gradient: {name:15} ({reason})")
