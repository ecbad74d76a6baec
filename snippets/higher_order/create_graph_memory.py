import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

critic = nn.Sequential(nn.Linear(64, 256), nn.Tanh(), nn.Linear(256, 1)).to(device)
x = torch.randn(128, 64, device=device, requires_grad=True)
params = {p.untyped_storage().data_ptr() for p in critic.parameters()}
seen, new_bytes = set(), [0]


def pack(t):  # as on the memory page: each storage counted once, parameters not at all
    storage = t.untyped_storage()
    if storage.data_ptr() not in params and storage.data_ptr() not in seen:
        seen.add(storage.data_ptr())
        new_bytes[0] += storage.nbytes()
    return t


with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
    out = critic(x).sum()
    print(f"forward kept:                           {new_bytes[0]:>7} bytes")
    for create_graph in (False, True):
        new_bytes[0] = 0
        (grad,) = torch.autograd.grad(out, x, create_graph=create_graph, retain_graph=True)
        print(f"grad with create_graph={create_graph!s:5} kept more: {new_bytes[0]:>7} bytes")
