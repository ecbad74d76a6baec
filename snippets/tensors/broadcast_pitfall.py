import torch
import torch.nn.functional as F

device = "cuda" if torch.cuda.is_available() else "cpu"

prediction = torch.tensor([[1.0], [2.0], [3.0]], device=device)  # (3, 1), as nn.Linear(..., 1) returns
target = torch.tensor([1.0, 2.0, 3.0], device=device)  # (3,)

# The shapes broadcast to (3, 3): every prediction is compared with every target.
difference = prediction - target
print("difference shape:", tuple(difference.shape))
print("loss with the silent broadcast:", round(F.mse_loss(prediction, target).item(), 4))
print("loss with matching shapes:     ", round(F.mse_loss(prediction.squeeze(1), target).item(), 4))
