import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

backbone = nn.Linear(8, 4).to(device)
head = nn.Linear(4, 1).to(device)
x = torch.randn(16, 8, device=device)

with torch.inference_mode():
    features = backbone(x)

normal = features.clone()  # a copy made outside inference mode is a normal tensor
print("features.is_inference():", features.is_inference())
print("normal.is_inference():  ", normal.is_inference())

loss = head(normal).pow(2).mean()
loss.backward()
print("head.weight.grad shape:", tuple(head.weight.grad.shape))
