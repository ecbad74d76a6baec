import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1)).to(device)
inputs = torch.randn(32, 4, device=device)
targets = 1000 * torch.randn(32, 1, device=device)  # far-off targets: a huge loss

loss = nn.functional.mse_loss(model(inputs), targets)
loss.backward()
grads = [p.grad.clone() for p in model.parameters()]  # copies, to compare with later

max_norm = 1.0
# Rescale all gradients together, in place, so that their joint norm is at most
# max_norm; the return value is the joint norm they had before.
total_before = nn.utils.clip_grad_norm_(model.parameters(), max_norm=max_norm)
total_after = torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in model.parameters()]))
print(f"gradient norm before clipping: {total_before.item():.4g}")
print(f"gradient norm after clipping:  {total_after.item():.4f}")

# Every gradient was multiplied by the same factor: the direction is unchanged.
factor = max_norm / (total_before + 1e-6)
same_direction = all(torch.allclose(p.grad, g * factor) for p, g in zip(model.parameters(), grads))
print(f"every gradient scaled by {factor.item():.3e}:", same_direction)
