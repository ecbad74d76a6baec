import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

critic = nn.Sequential(nn.Linear(64, 256), nn.Tanh(), nn.Linear(256, 1)).to(device)
x = torch.randn(128, 64, device=device, requires_grad=True)
saved_bytes = 0  # bytes of every tensor autograd saves for a later backward


def pack(t):
    global saved_bytes
    saved_bytes += t.numel() * t.element_size()
    return t


with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
    out = critic(x).sum()
    print(f"forward saved:                          {saved_bytes:>7} bytes")
    for create_graph in (False, True):
        saved_bytes = 0
        (grad,) = torch.autograd.grad(out, x, create_graph=create_graph, retain_graph=True)
        print(f"grad with create_graph={create_graph!s:5} saved:     {saved_bytes:>7} bytes")
