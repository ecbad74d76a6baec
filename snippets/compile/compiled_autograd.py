import torch
from torch._dynamo.utils import counters

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
layer = torch.nn.Linear(3, 2).to(device)
calls = []
layer.register_full_backward_hook(lambda module, grad_in, grad_out: calls.append("module hook"))
x = torch.randn(4, 3, device=device, requires_grad=True)


def train_step(x):
    out = layer(x)
    out.register_hook(lambda grad: calls.append("tensor hook") or grad)
    loss = out.pow(2).sum()
    loss.backward()  # called inside the compiled function
    return loss


train_step(x)
eager_calls, eager_grad = list(calls), x.grad.clone()
calls.clear()
x.grad = None
counters.clear()  # count from zero
with torch._dynamo.config.patch(compiled_autograd=True):  # on only inside this block
    torch.compile(train_step, backend="aot_eager")(x)
print("hooks, eager:   ", eager_calls)
print("hooks, compiled:", calls)
print("x.grad equals eager:", torch.allclose(x.grad, eager_grad))
print("backward graphs compiled autograd captured:", counters["compiled_autograd"]["captures"])
