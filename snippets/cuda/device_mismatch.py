import contextlib

import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class Caught(contextlib.AbstractContextManager):
    """`with Caught() as c:` stops a RuntimeError and keeps it in c.error (None if none)."""

    error = None

    def __exit__(self, kind, error, traceback):
        self.error = error
        return isinstance(error, RuntimeError)


w = torch.rand(3, device=device, requires_grad=True)  # a parameter, on the device
x = torch.rand(3)  # data created without device=, so on the CPU

with Caught() as mixed:
    y = w * x  # two devices in one operation on a GPU machine
print("w * x:", f"RuntimeError: {mixed.error}" if mixed.error else "no error (both tensors are on the cpu)")

loss = (w * x.to(w.device)).sum()  # the fix: bring the data to the parameter's device
loss.backward()
print("w * x.to(w.device): result on", loss.device.type, "| w.grad equals x:", torch.equal(w.grad.cpu(), x))

scale = torch.tensor(2.0)  # a 0-dim tensor on the CPU is treated like a Python number
print("w * scale (0-dim, on the cpu): result on", (w * scale).device.type)
