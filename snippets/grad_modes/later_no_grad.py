import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

backbone = nn.Linear(8, 4).to(device)  # frozen feature extractor
head = nn.Linear(4, 1).to(device)  # the part we train
x = torch.randn(16, 8, device=device)

with torch.no_grad():
    features = backbone(x)
print("features.requires_grad:", features.requires_grad)
print("features.is_inference():", features.is_inference())

# Later, with recording on: features enter a graph as constants
loss = head(features).pow(2).mean()
loss.backward()
print("head.weight.grad shape:", tuple(head.weight.grad.shape))
print("backbone.weight.grad:", backbone.weight.grad)
