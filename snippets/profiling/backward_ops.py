import os

import torch
from torch import nn
from torch.profiler import ProfilerActivity, profile, record_function

os.environ["KINETO_LOG_LEVEL"] = "6"  # silences the profiler's own log lines (they hold the time)
torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
x = torch.randn(4, 8, device=device)

with profile(activities=[ProfilerActivity.CPU]) as prof:
    with record_function("model"):
        out = model(x)
    with record_function("loss"):
        loss = out.square().mean()
    with record_function("backward"):
        loss.backward()

events = sorted(prof.events(), key=lambda e: e.time_range.start)
labels = [e for e in events if e.name in ("model", "loss")]
forward_ops = {}  # sequence number -> the innermost forward operator recorded with it, and its label
for e in events:
    label = next((lb.name for lb in labels if lb.time_range.start <= e.time_range.start <= lb.time_range.end), None)
    if label and e.name.startswith("aten::") and e.sequence_nr >= 0:
        forward_ops[e.sequence_nr] = f"{e.name} ({label})"
print(f"{'graph node run by backward':29} {'made by':22} operators it called")
for e in events:
    if e.name.startswith("autograd::engine::evaluate_function: "):
        node = e.name.removeprefix("autograd::engine::evaluate_function: ").removeprefix("torch::autograd::")
        ops = [op for child in e.cpu_children for op in [child, *child.cpu_children]]  # two levels down
        calls = [op.name for op in ops if op.name.startswith("aten::")]
        print(f"{node:29} {forward_ops.get(e.sequence_nr, '(a leaf)'):22} {', '.join(dict.fromkeys(calls))}")
