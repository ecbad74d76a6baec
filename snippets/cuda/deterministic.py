import contextlib

import torch
import torch.nn.functional as F

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class Caught(contextlib.AbstractContextManager):
    """`with Caught() as c:` stops a RuntimeError and keeps it in c.error (None if none)."""

    error = None

    def __exit__(self, kind, error, traceback):
        self.error = error
        return isinstance(error, RuntimeError)


table = torch.randn(8, 4, device=device, requires_grad=True)
rows = torch.randint(0, 8, (10_000,), device=device)  # every row picked about 1,250 times
weights = torch.rand(10_000, 1, device=device)


def table_grad():
    """Backward adds 10,000 weighted rows into 8: sums whose order is up to the kernel."""
    (grad,) = torch.autograd.grad((table.index_select(0, rows) * weights).sum(), table)
    return grad


print("deterministic algorithms:", torch.are_deterministic_algorithms_enabled())
print("two backward passes agree to rounding:", torch.allclose(table_grad(), table_grad()))

torch.use_deterministic_algorithms(True)
try:
    print("deterministic algorithms:", torch.are_deterministic_algorithms_enabled())
    print("two backward passes agree bit for bit:", torch.equal(table_grad(), table_grad()))
    image = torch.rand(1, 1, 5, 5, device=device, requires_grad=True)
    with Caught() as pool:
        F.adaptive_avg_pool2d(image, 3).sum().backward()
    print("adaptive_avg_pool2d backward:", f"RuntimeError: {pool.error}" if pool.error else "no error")
finally:
    torch.use_deterministic_algorithms(False)  # back to the default, even after an error
print("deterministic algorithms:", torch.are_deterministic_algorithms_enabled())
