import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Linear(3, 1).to(device)
x = torch.randn(8, 3, device=device)
y = torch.randn(8, 1, device=device)

with torch.no_grad():
    loss = nn.functional.mse_loss(model(x), y)

# A tempting "fix" that silences the error: the loss becomes a leaf of its own.
loss.requires_grad_()
loss.backward()
print("after loss.requires_grad_(): loss.is_leaf:", loss.is_leaf, "| model.weight.grad:", model.weight.grad)

# The fix: compute the loss with recording on, so that it has a grad_fn.
loss = nn.functional.mse_loss(model(x), y)
print("recorded: loss.grad_fn:", loss.grad_fn.name())
loss.backward()
print("model.weight.grad:", [round(g, 4) for g in model.weight.grad.flatten().tolist()])
