import contextlib

import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

batch, n_in, n_hidden, n_out = 64, 256, 512, 10
model = nn.Sequential(nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_out)).to(device)
x = torch.randn(batch, n_in, device=device)
existing = {t.untyped_storage().data_ptr() for t in [x, *model.parameters()]}


def measure(mode):
    """One forward pass under `mode`, counting what autograd saves for backward."""
    saved = []

    def pack(t):  # called once for every tensor saved for backward
        saved.append(t)
        return t

    with mode, torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(x)
    referenced = sum(t.numel() * t.element_size() for t in saved)
    blocks = {t.untyped_storage().data_ptr(): t.untyped_storage().nbytes() for t in saved}
    extra = sum(n for ptr, n in blocks.items() if ptr not in existing)  # not input, not weights
    return len(saved), referenced, extra


modes = {
    "grad enabled": contextlib.nullcontext(),
    "torch.no_grad()": torch.no_grad(),
    "torch.inference_mode()": torch.inference_mode(),
}
results = {name: measure(mode) for name, mode in modes.items()}
print(f"{'mode':23} {'tensors':>7} {'bytes referenced':>16} {'bytes only the graph keeps':>27}")
for name, (count, referenced, extra) in results.items():
    print(f"{name:23} {count:>7} {referenced:>16,} {extra:>16,} ({extra / 1024:5.1f} KiB)")

params = sum(p.numel() * p.element_size() for p in model.parameters())
print(f"parameters, the same in every mode: {params:,} bytes ({params / 1024:.1f} KiB)")
