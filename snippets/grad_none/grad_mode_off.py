import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

backbone = nn.Linear(4, 8).to(device)
head = nn.Linear(8, 1).to(device)
x = torch.randn(16, 4, device=device)
y = torch.randn(16, 1, device=device)


@torch.no_grad()  # written for evaluation, then reused in the training step
def embed(inputs):
    print("inside embed: torch.is_grad_enabled() =", torch.is_grad_enabled())
    return torch.relu(backbone(inputs))


features = embed(x)
loss = nn.functional.mse_loss(head(features), y)
loss.backward()  # no error: the head's weights still require grad
print("features.requires_grad:", features.requires_grad)
print("backbone.weight.grad:", backbone.weight.grad)
print("head.weight.grad is None:", head.weight.grad is None)

# The fix: run the part you train with recording on.
features = torch.relu(backbone(x))
nn.functional.mse_loss(head(features), y).backward()
print("fixed: backbone.weight.grad is None:", backbone.weight.grad is None)
