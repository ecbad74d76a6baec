import statistics
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
    w.grad = None  # each step starts without a gradient, as after optimizer.zero_grad()
    loss = (x @ w).square().mean()
    loss.backward()


for _ in range(3):  # warm-up: the first calls load kernels and allocate memory
    step()
fractions = []  # for each timed step: the time step() took to return / the time the work took
for _ in range(5):
    sync()
    start = time.perf_counter()
    step()
    returned = time.perf_counter() - start  # the Python call has come back
    sync()
    finished = time.perf_counter() - start  # the work itself is done, too
    fractions.append(returned / finished)
print("measured after synchronize:", all(0 < f <= 1 for f in fractions))
print("step() returned before half of its work was done:", statistics.median(fractions) < 0.5)
