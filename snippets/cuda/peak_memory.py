import contextlib

import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
cuda = device == "cuda"

model = nn.Sequential(*[m for _ in range(4) for m in (nn.Linear(1024, 1024), nn.ReLU())]).to(device)
x = torch.randn(64, 1024, device=device)  # each activation: 64 * 1024 float32 = 256 KiB
existing = {t.untyped_storage().data_ptr() for t in [x, *model.parameters()]}


def peak_bytes(fn):
    """Peak GPU memory allocated while fn() runs, above what was allocated before; None on CPU."""
    torch.cuda.reset_peak_memory_stats() if cuda else None
    before = torch.cuda.memory_allocated() if cuda else 0
    output = fn()  # keep the output (and the graph it holds) alive until the peak is read
    return torch.cuda.max_memory_allocated() - before if cuda else None


def forward_under(mode):
    saved = {}  # memory block -> bytes, for every tensor autograd keeps for backward

    def pack(t):
        saved[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()
        return t

    with mode, torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        peak = peak_bytes(lambda: model(x))
    return sum(n for ptr, n in saved.items() if ptr not in existing), peak  # not input, not weights


model(x)  # warm-up: the first matrix product allocates a workspace that then stays
modes = {
    "grad enabled": contextlib.nullcontext(),
    "no_grad": torch.no_grad(),
    "inference_mode": torch.inference_mode(),
}
results = {name: forward_under(mode) for name, mode in modes.items()}
for name, (saved, peak) in results.items():
    shown = "n/a on cpu" if peak is None else f"{peak:,} bytes"
    print(f"{name:14}  saved for backward: {saved:>9,} bytes  peak on the GPU: {shown}")
