import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

G = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2)).to(device)  # generator
D = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1)).to(device)  # discriminator
g_opt = torch.optim.SGD(G.parameters(), lr=0.05)
d_opt = torch.optim.SGD(D.parameters(), lr=0.05)
bce = nn.BCEWithLogitsLoss()
real = torch.randn(16, 2, device=device) + 3
ones, zeros = torch.ones(16, 1, device=device), torch.zeros(16, 1, device=device)

fake = G(torch.randn(16, 2, device=device))

# Discriminator step: real samples should score 1, fakes 0.
d_loss = bce(D(real), ones) + bce(D(fake), zeros)
d_opt.zero_grad()
d_loss.backward(retain_graph=True)  # on through `fake` into G, whose graph it keeps
d_opt.step()
print("G's gradients after the D step:", [p.grad is not None for p in G.parameters()])

# Generator step: make D score the fakes as real.
g_loss = bce(D(fake), ones)
g_opt.zero_grad()  # throws away the gradients D's backward computed for G
g_loss.backward()  # the second pass through G's graph: kept, so it runs
g_opt.step()
print(f"d_loss {d_loss.item():.4f}  g_loss {g_loss.item():.4f}")
