import os

import torch
from torch import nn
from torch.profiler import ProfilerActivity, profile, record_function

os.environ["KINETO_LOG_LEVEL"] = "6"  # silences the profiler's own log lines (they hold the time)
torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(128, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)).to(device)
x = torch.randn(256, 128, device=device)

with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
    with record_function("forward"):
        loss = model(x).square().mean()
    with record_function("backward"):
        loss.backward()

events = {e.key: e for e in prof.key_averages()}
for label in ("forward", "backward"):  # memory allocated inside the block, minus what it freed
    print(f"{label:8} net CPU memory: {events[label].cpu_memory_usage:>8} bytes")
top = sorted((e for e in events.values() if e.self_cpu_memory_usage > 0), key=lambda e: (-e.self_cpu_memory_usage, e.key))
print("operators that allocated the most (self, net):")
for e in top[:6]:
    print(f"  {e.key:45} {e.self_cpu_memory_usage:>8} bytes in {e.count} calls")
