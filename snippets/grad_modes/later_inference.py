import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

backbone = nn.Linear(8, 4).to(device)  # frozen feature extractor
head = nn.Linear(4, 1).to(device)  # the part we train
x = torch.randn(16, 8, device=device)

with torch.inference_mode():
    features = backbone(x)
print("features.requires_grad:", features.requires_grad)
print("features.is_inference():", features.is_inference())

# Later, with recording on: head's weight gradient needs `features`,
# so autograd must save it for backward, and inference tensors cannot be saved
loss = head(features).pow(2).mean()
