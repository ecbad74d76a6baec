import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Dropout(p=0.5), nn.Linear(5, 1)).to(device)
x = torch.randn(4, 10, device=device)

model.eval()  # switches layer behaviour, not autograd
print("model.training:", model.training, " dropout.training:", model[2].training)
print("grad enabled:", torch.is_grad_enabled())

output = model(x)
print("output.requires_grad:", output.requires_grad, " output.grad_fn:", type(output.grad_fn).__name__)

output.sum().backward()  # a graph was recorded, so backward works
print("first layer weight.grad shape:", tuple(model[0].weight.grad.shape))
