import torch
from torch import nn
from torch.utils.checkpoint import checkpoint

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

block = nn.Sequential(nn.Linear(16, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 16)).to(device)
x = torch.randn(8, 16, device=device, requires_grad=True)
runs = []  # one entry each time block's forward runs
block.register_forward_pre_hook(lambda module, args: runs.append("forward"))
saved = []  # the shape of every tensor autograd stores for the backward pass


def pack(t):
    saved.append(tuple(t.shape))
    return t


with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
    plain = block(x)
    saved_plain, saved = saved, []
    checkpointed = checkpoint(block, x, use_reentrant=False)
    saved_checkpointed = saved
print("saved by the plain call:       ", saved_plain)
print("saved by the checkpointed call:", saved_checkpointed)

inputs = [x, *block.parameters()]
grads_plain = torch.autograd.grad(plain.sum(), inputs)
grads_checkpointed = torch.autograd.grad(checkpointed.sum(), inputs)  # runs block(x) again
print("same gradients:", all(torch.allclose(a, b) for a, b in zip(grads_plain, grads_checkpointed)))
print("times block ran:", len(runs), "(plain call, checkpointed call, once more in backward)")
