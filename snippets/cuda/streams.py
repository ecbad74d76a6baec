import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
n = 4096 if device == "cuda" else 256  # on a GPU: enough work to take several milliseconds


def device_idle():
    """Has the device run everything queued so far? The CPU queues nothing: always True."""
    return torch.cuda.current_stream().query() if device == "cuda" else True


x = torch.randn(n, n, device=device, requires_grad=True)
w = torch.randn(n, n, device=device) / n**0.5


def loss_fn():
    h = x
    for _ in range(4):
        h = torch.tanh(h @ w)
    return h.sum()


loss_fn().backward()  # warm-up: the first calls load kernels and allocate workspaces
x.grad.sum().item()  # .item() waits until the warm-up has finished
x.grad = None

loss = loss_fn()
loss.backward()  # returns once every gradient kernel is queued
print("backward() returned, x.grad is set:", x.grad is not None)
print("device idle right after backward():", device_idle())
total = x.grad.sum().item()  # reading a value on the CPU waits for all queued work
print("x.grad.sum().item() gave a Python", type(total).__name__)
print("device idle after .item():", device_idle())
