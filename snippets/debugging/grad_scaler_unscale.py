import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
scaler = torch.amp.GradScaler(device)
x = torch.randn(64, 8, device=device)
y = torch.randn(64, 1, device=device)
params = list(model.parameters())


def total_norm():
    return torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in params])).item()


# In float32 with no scaler, for comparison:
plain = torch.autograd.grad(nn.functional.mse_loss(model(x), y), params)

scale = scaler.get_scale()
scaler.scale(nn.functional.mse_loss(model(x), y)).backward()
print("scale:", scale)
print(".grad == scale * plain gradients:", all(torch.equal(p.grad, scale * g) for p, g in zip(params, plain)))
print(f"norm that clip_grad_norm_ would see now: {total_norm():.1f}")

scaler.unscale_(optimizer)  # before clip_grad_norm_, so that it clips the true gradients
print(".grad == plain gradients after unscale_:", all(torch.equal(p.grad, g) for p, g in zip(params, plain)))
print(f"norm after unscale_: {total_norm():.4f}")
