from collections import defaultdict

import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(
    nn.Linear(128, 512), nn.LayerNorm(512), nn.GELU(), nn.Dropout(0.1), nn.Linear(512, 10)
).to(device)
x = torch.randn(32, 128, device=device)  # a batch of data: no gradient needed for it
params = {p.untyped_storage().data_ptr() for p in model.parameters()}
per_layer, seen, current = defaultdict(int), set(), [None]


def pack(t):  # bytes per layer; a tensor saved twice or a parameter costs nothing extra
    storage = t.untyped_storage()
    if storage.data_ptr() not in params and storage.data_ptr() not in seen:
        seen.add(storage.data_ptr())
        per_layer[current[0]] += storage.nbytes()
    return t


for name, layer in model.named_children():
    layer.register_forward_pre_hook(lambda module, args, name=name: current.__setitem__(0, name))
with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
    logits = model(x)
    current[0] = "loss"
    loss = nn.functional.cross_entropy(logits, torch.zeros(32, dtype=torch.long, device=device))
rows = [(name, type(layer).__name__) for name, layer in model.named_children()] + [("loss", "cross_entropy")]
for name, kind in rows:
    print(f"{name:>4}  {kind:13} {per_layer[name]:>6} bytes")
print(f"activation bytes kept for backward: {sum(per_layer.values())}")
print(f"parameter bytes, for comparison:    {sum(p.nbytes for p in model.parameters())}")
