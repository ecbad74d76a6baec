import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2)).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x = torch.randn(16, 4, device=device)
target = torch.randn(16, 2, device=device)
before = [p.detach().clone() for p in model.parameters()]

out = model(x)
regression_loss = nn.functional.mse_loss(out, target)
penalty = out.pow(2).mean()

optimizer.zero_grad()
(regression_loss + penalty).backward()  # every backward first (one pass for the sum)...
grads = [p.grad.clone() for p in model.parameters()]
optimizer.step()  # ...then one step
moved = all(torch.allclose(p, b - 0.1 * g) for p, b, g in zip(model.parameters(), before, grads))
print("one step of lr 0.1 along the summed gradient:", moved)
