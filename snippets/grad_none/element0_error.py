import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Linear(3, 1).to(device)
x = torch.randn(8, 3, device=device)
y = torch.randn(8, 1, device=device)

with torch.no_grad():  # meant for the validation loss, wrapped around the training step too
    loss = nn.functional.mse_loss(model(x), y)
    print("loss.grad_fn:", loss.grad_fn)  # None: nothing was recorded
    loss.backward()
