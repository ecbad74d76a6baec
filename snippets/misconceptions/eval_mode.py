import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(4, 3), nn.Dropout(p=0.5)).to(device)
x = torch.randn(2, 4, device=device)

model.eval()  # training=False in every submodule: Dropout stops dropping
output = model(x)
print("model.training:", model.training)
print("output.requires_grad:", output.requires_grad, " grad_fn:", output.grad_fn.name())
output.sum().backward()  # gradients still flow
print("weight.grad is set:", model[0].weight.grad is not None)
print("dropout off, two calls agree:", torch.equal(model(x), model(x)))

with torch.no_grad():  # this is what stops the recording
    frozen = model(x)
print("under no_grad: requires_grad =", frozen.requires_grad, " grad_fn =", frozen.grad_fn)
