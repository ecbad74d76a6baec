import torch
from torch import nn
from torch.autograd.graph import register_multi_grad_hook

device = "cuda" if torch.cuda.is_available() else "cpu"

w = torch.tensor([1.0, 2.0], device=device, requires_grad=True)  # a leaf
layer = nn.Linear(2, 1, bias=False).to(device)
with torch.no_grad():
    layer.weight.copy_(torch.tensor([[3.0, 4.0]]))
events = []
log = events.append

# Module hooks: register before the forward pass that should trigger them
layer.register_full_backward_pre_hook(lambda m, g_out: log(f"module pre-hook: output grad {g_out[0].tolist()}"))
layer.register_full_backward_hook(lambda m, g_in, g_out: log(f"module hook: input grad {g_in[0].tolist()}"))

h = w * 2  # h.grad_fn is a MulBackward0 node
node = h.grad_fn
h.register_hook(lambda g: log(f"tensor hook on h: {g.tolist()}"))
node.register_prehook(lambda g_out: log(f"node pre-hook on {node.name()}: {g_out[0].tolist()}"))
node.register_hook(lambda g_in, g_out: log(f"node hook on {node.name()}: grad of w {g_in[0].tolist()}"))
w.register_hook(lambda g: log(f"tensor hook on w: {g.tolist()}, w.grad is {w.grad}"))
register_multi_grad_hook((h, w), lambda grads: log(f"multi-grad hook: {len(grads)} gradients ready"))
w.register_post_accumulate_grad_hook(lambda t: log(f"post-accumulate hook on w: w.grad = {t.grad.tolist()}"))

loss = layer(h).sum()
loss.backward()
for number, event in enumerate(events, 1):
    print(number, event)
