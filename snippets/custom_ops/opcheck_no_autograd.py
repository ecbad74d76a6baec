import numpy as np
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


@torch.library.custom_op("mylib::numpy_sin", mutates_args=())
def numpy_sin(x: torch.Tensor) -> torch.Tensor:
    return torch.from_numpy(np.sin(x.numpy(force=True))).to(x.device)


@numpy_sin.register_fake
def _(x):
    return torch.empty_like(x)


# no register_autograd: the operator has no derivative
x = torch.randn(4, 3, dtype=torch.float64, device=device, requires_grad=True)
first_three = ("test_schema", "test_autograd_registration", "test_faketensor")
for test, outcome in torch.library.opcheck(numpy_sin, (x,), test_utils=first_three).items():
    print(f"{test:27} {outcome}")
torch.library.opcheck(numpy_sin, (x,))  # all four tests: the last one runs backward
