import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2)).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x = torch.randn(16, 4, device=device)
target = torch.randn(16, 2, device=device)

out = model(x)  # one forward pass, two losses on it
regression_loss = nn.functional.mse_loss(out, target)
penalty = out.pow(2).mean()

optimizer.zero_grad()
regression_loss.backward(retain_graph=True)
optimizer.step()  # changes the weights in place; the second Linear saved its weight
penalty.backward()  # the shared graph still holds the old version
