import contextlib
import os

import torch
from torch import nn
from torch.profiler import ProfilerActivity, profile

os.environ["KINETO_LOG_LEVEL"] = "6"  # silences the profiler's own log lines (they hold the time)
torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
x = torch.randn(4, 8, device=device)


def stacks_stored(root):  # (graph nodes holding the stack of the forward call that made them, all)
    seen, todo = set(), [root]
    while todo:
        node = todo.pop()
        if node is not None and node not in seen:
            seen.add(node)
            todo += [next_fn for next_fn, _ in node.next_functions]
    made_by_forward = [node for node in seen if type(node).__name__ != "AccumulateGrad"]
    return sum("traceback_" in node.metadata for node in made_by_forward), len(made_by_forward)


modes = {
    "no anomaly mode": contextlib.nullcontext,
    "detect_anomaly(check_nan=False)": lambda: torch.autograd.detect_anomaly(check_nan=False),
    "detect_anomaly()": torch.autograd.detect_anomaly,  # check_nan=True, the default
}
for name, mode in modes.items():
    with mode(), profile(activities=[ProfilerActivity.CPU]) as prof:
        loss = model(x).square().mean()
        stacks, nodes = stacks_stored(loss.grad_fn)
        loss.backward()
    ops = [e.name for e in prof.events()]
    print(f"{name:32} stacks stored: {stacks} of {nodes} nodes; in backward, "
          f"NaN checks: {ops.count('aten::isnan'):2}, values read back: {ops.count('aten::item'):2}")
