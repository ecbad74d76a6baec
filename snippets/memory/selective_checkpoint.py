import functools

import torch
from torch import nn
from torch.utils.checkpoint import checkpoint, create_selective_checkpoint_contexts
from torch.utils.flop_counter import FlopCounterMode

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(*[layer for _ in range(4) for layer in (nn.Linear(256, 256), nn.ReLU())]).to(device)
x = torch.randn(64, 256, device=device, requires_grad=True)

# Keep the output of every matrix multiply (aten.addmm, what nn.Linear runs); recompute the rest.
save_matmuls = functools.partial(create_selective_checkpoint_contexts, [torch.ops.aten.addmm.default])
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
