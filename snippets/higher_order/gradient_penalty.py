import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

critic = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1)).to(device)
real = torch.randn(8, 2, device=device) + 2
fake = torch.randn(8, 2, device=device)  # a generator's output, in a real GAN
eps = torch.rand(8, 1, device=device)
mixed = (eps * real + (1 - eps) * fake).requires_grad_()  # points between real and fake


def gradient_penalty(create_graph):  # WGAN-GP: push |d critic / d input| towards 1
    (grad,) = torch.autograd.grad(critic(mixed).sum(), mixed, create_graph=create_graph)
    return ((grad.norm(dim=1) - 1) ** 2).mean()


def rounded(g):  # the first row of a gradient, to 4 decimals
    return [round(v, 4) for v in g[0].tolist()]


wasserstein = critic(fake).mean() - critic(real).mean()
weight = critic[0].weight
for create_graph in (True, False):
    penalty = gradient_penalty(create_graph)
    (g,) = torch.autograd.grad(wasserstein + 10 * penalty, weight, retain_graph=True)
    print(f"create_graph={create_graph!s:5}  penalty {penalty.item():.4f}  "
          f"requires_grad={penalty.requires_grad!s:5}  weight grad[0] {rounded(g)}")
(g,) = torch.autograd.grad(wasserstein, weight)
print(f"{'no penalty at all':58}weight grad[0] {rounded(g)}")
