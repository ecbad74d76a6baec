import functools
from collections import Counter

import torch
from torch import nn
from torch.utils.checkpoint import CheckpointPolicy, checkpoint, create_selective_checkpoint_contexts
from torch.utils.flop_counter import FlopCounterMode

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(*[layer for _ in range(4) for layer in (nn.Linear(256, 256), nn.ReLU())]).to(device)
x = torch.randn(64, 256, device=device, requires_grad=True)
decisions = Counter()  # (decision, operator) -> how often, in the forward pass


def policy(ctx, op, *args, **kwargs):  # asked for every operator the checkpointed code runs
    save = op is torch.ops.aten.addmm.default  # the matrix product nn.Linear runs: keep its output
    if not ctx.is_recompute and not op.is_view:  # count the forward's operators; views copy nothing
        decisions["saved" if save else "recomputed", op.__name__.split(".")[0]] += 1
    return CheckpointPolicy.MUST_SAVE if save else CheckpointPolicy.PREFER_RECOMPUTE


save_matmuls = functools.partial(create_selective_checkpoint_contexts, policy)
runs = {
    "no checkpoint": lambda: model(x),
    "checkpoint": lambda: checkpoint(model, x, use_reentrant=False),
    "selective checkpoint": lambda: checkpoint(model, x, use_reentrant=False, context_fn=save_matmuls),
}
for name, run in runs.items():
    with FlopCounterMode(display=False) as flops:  # counts the FLOPs of the operations that run
        out = run()
        forward = flops.get_total_flops()
        out.sum().backward()
    print(f"{name:21} forward {forward / 1e6:5.1f} MFLOP, backward {(flops.get_total_flops() - forward) / 1e6:5.1f} MFLOP")
for decision in ("saved", "recomputed"):
    print(f"selective, {decision:10}", ", ".join(f"{n} × {op}" for (d, op), n in decisions.items() if d == decision))
