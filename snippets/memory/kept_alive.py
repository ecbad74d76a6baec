import weakref

import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(64, 256), nn.Tanh(), nn.Linear(256, 1)).to(device)
batches = [torch.randn(32, 64, device=device) for _ in range(5)]
params = {p.untyped_storage().data_ptr() for p in model.parameters()}
alive = weakref.WeakSet()  # one entry per tensor that some graph still saves


class Saved:  # the pack hook: autograd stores this in place of a saved tensor, so we see it go
    def __init__(self, t):
        self.t = t.detach()  # detached: a saved output must not point back at its own node
        alive.add(self)


def held():  # bytes of distinct non-parameter storages that graphs still save
    storages = {s.t.untyped_storage().data_ptr(): s.t.untyped_storage().nbytes() for s in alive}
    return sum(n for ptr, n in storages.items() if ptr not in params)


def nodes(fn, seen):  # how many graph nodes are reachable from fn
    if fn is not None and fn not in seen:
        seen.add(fn)
        for next_fn, _ in fn.next_functions:
            nodes(next_fn, seen)
    return len(seen)


with torch.autograd.graph.saved_tensors_hooks(Saved, lambda saved: saved.t):
    outputs = [model(x) for x in batches]  # an evaluation loop without no_grad
    print("eval, outputs stored:         ", held(), "bytes saved for 5 graphs")
    outputs = [model(x).detach() for x in batches]
    print("eval, detached outputs stored:", held(), "bytes")
    total = 0
    for x in batches:  # a training loop that adds up its losses for logging
        loss = model(x).square().mean()
        loss.backward()
        total = total + loss  # a tensor with a graph, not a number
    print("train, total = total + loss:  ", held(), "bytes, but", nodes(total.grad_fn, set()), "graph nodes behind total")
