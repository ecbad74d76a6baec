import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

batch, n_in, n_hidden, n_out = 64, 256, 512, 10
model = nn.Sequential(nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_out)).to(device)
x = torch.randn(batch, n_in, device=device)

# Which memory block each tensor lives in (used to label, never printed)
owners = {x.untyped_storage().data_ptr(): "the input x"}
for name, p in model.named_parameters():
    owners[p.untyped_storage().data_ptr()] = f"parameter {name} (a view of it)"
n_known = len(owners)

saved = []  # (shape, bytes, what it is)


def pack(t):  # called once for every tensor autograd saves for backward
    ptr = t.untyped_storage().data_ptr()
    what = owners.setdefault(ptr, f"new tensor #{len(owners) - n_known + 1}, kept for backward")
    saved.append((tuple(t.shape), t.numel() * t.element_size(), what))
    return t


with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
    output = model(x)

for shape, nbytes, what in saved:
    print(f"saved {str(shape):10} {nbytes:>9,} bytes  {what}")
print(f"total {len(saved)} tensors {sum(n for _, n, _ in saved):>9,} bytes")
