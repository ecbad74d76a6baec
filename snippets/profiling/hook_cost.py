import os

import torch
from torch import nn
from torch.profiler import ProfilerActivity, profile

os.environ["KINETO_LOG_LEVEL"] = "6"  # silences the profiler's own log lines (they hold the time)
torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
x = torch.randn(4, 8, device=device)
params, calls = list(model.parameters()), []
hooks = {  # each returns the handles of the hooks it added
    "no hooks": lambda: [],
    "Tensor.register_hook, each parameter": lambda: [p.register_hook(lambda g: calls.append(1)) for p in params],
    "register_post_accumulate_grad_hook, each": lambda: [
        p.register_post_accumulate_grad_hook(lambda p: calls.append(1)) for p in params],
    "register_multi_grad_hook, all parameters": lambda: [  # one call, with every gradient
        torch.autograd.graph.register_multi_grad_hook(params, lambda grads: calls.append(1))],
    "register_full_backward_hook, layers 1, 2": lambda: [
        m.register_full_backward_hook(lambda *args: calls.append(1)) for m in model[1:]],
}
for name, add in hooks.items():
    handles, calls[:] = add(), []
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        model(x).square().mean().backward()
    nodes = [e.name.split(": ")[1] for e in prof.events() if e.name.startswith("autograd::engine::evaluate_function")]
    added = nodes.count("BackwardHookFunctionBackward")
    print(f"{name:41} hook calls: {len(calls)}, nodes run: {len(nodes)}" + (f" ({added} added)" if added else ""))
    for handle in handles:
        handle.remove()
