import time

import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
n = 4096 if device == "cuda" else 512
# Wait for the GPU to finish everything queued. CPU operations finish before they return.
sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)

x = torch.randn(n, n, device=device)
w = torch.randn(n, n, device=device, requires_grad=True)


def step():
    loss = (x @ w).square().mean()
    loss.backward()


step()  # warm-up: the first call loads kernels and allocates workspaces
sync()

start = time.perf_counter()
step()
returned = time.perf_counter() - start  # the Python call has come back
sync()
finished = time.perf_counter() - start  # the work itself is done, too
print("measured after synchronize:", finished >= returned > 0)
print("step() returned before half of its work was done:", returned < finished / 2)
