from collections import Counter

import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
cuda = device == "cuda"

model = nn.Sequential(nn.Linear(1024, 4096), nn.ReLU(), nn.Linear(4096, 1024)).to(device)
x = torch.randn(512, 1024, device=device)

# Record every allocation of the CUDA caching allocator with the Python stack that made it
# (a private API, described in PyTorch's "Understanding CUDA Memory Usage").
if cuda: torch.cuda.memory._record_memory_history(stacks="python")  # start recording
loss = model(x).square().mean()  # the forward pass
loss.backward()  # the backward pass (on CUDA, autograd runs it in a thread of its own)
snapshot = torch.cuda.memory._snapshot() if cuda else {"device_traces": [[]]}  # nothing on the CPU
if cuda: torch.cuda.memory._record_memory_history(enabled=None)  # stop recording
# torch.cuda.memory._dump_snapshot("snapshot.pickle") would save it for pytorch.org/memory_viz

allocs = [e for e in snapshot["device_traces"][0] if e["action"] == "alloc"]
lines = [next((f"line {f['line']}" for f in e["frames"] if f["name"] == "<module>"), "no line of ours") for e in allocs]
count = Counter(lines)
size = {where: sum(e["size"] for line, e in zip(lines, allocs) if line == where) for where in count}
print("torch.cuda.memory._record_memory_history needs CUDA: nothing recorded" if not cuda else
      "\n".join(f"{where:18} {count[where]:3} allocations, {size[where]:>10} bytes" for where in sorted(count)))
