import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)).to(device)
backbone, head = model[0], model[2]  # pretend model[0] was trained already
for p in backbone.parameters():
    p.requires_grad_(False)  # frozen: autograd computes no gradient for it

trainable = [p for p in model.parameters() if p.requires_grad]
optimizer = torch.optim.SGD(trainable, lr=0.1)
print("trainable:", [name for name, p in model.named_parameters() if p.requires_grad])

x = torch.randn(16, 4, device=device)
target = torch.randn(16, 2, device=device)
print("backbone output records a graph:", backbone(x).requires_grad)

before = {name: p.detach().clone() for name, p in model.named_parameters()}
for step in range(3):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), target)
    loss.backward()
    optimizer.step()
    print(f"step {step}: loss {loss.item():.4f}")

print("backbone.weight.grad:", backbone.weight.grad)
for name, p in model.named_parameters():
    change = (p - before[name]).abs().max().item()
    print(f"{name:9} unchanged: {torch.equal(p, before[name])!s:5}  largest change: {change:.4f}")
