import torch
from torch import nn
from torch.utils.checkpoint import checkpoint, checkpoint_sequential

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(*[layer for _ in range(8) for layer in (nn.Linear(256, 256), nn.ReLU())]).to(device)
x = torch.randn(64, 256, device=device, requires_grad=True)
params = {p.untyped_storage().data_ptr() for p in model.parameters()}
kept = {}  # storage -> bytes: what autograd keeps for backward, beyond the parameters


def pack(t):
    if t.untyped_storage().data_ptr() not in params:  # a saved weight is the parameter itself
        kept[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()
    return t


runs = {"no checkpoint": lambda: model(x), "checkpoint(model)": lambda: checkpoint(model, x, use_reentrant=False)}
for n in (2, 4, 8):  # n segments; the last one runs without checkpoint
    runs[f"checkpoint_sequential, {n} segments"] = lambda n=n: checkpoint_sequential(model, n, x, use_reentrant=False)
for name, run in runs.items():
    kept.clear()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = run()
    print(f"{name:34} keeps {sum(kept.values()):>7} bytes in {len(kept):>2} tensors")
    out.sum().backward()
