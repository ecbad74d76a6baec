import numpy as np
import torch

device = "cuda" if torch.cuda.is_available() else "cpu"
numpy_calls = []


@torch.library.custom_op("mylib::numpy_sin", mutates_args=())
def numpy_sin(x: torch.Tensor) -> torch.Tensor:
    numpy_calls.append(tuple(x.shape))
    return torch.from_numpy(np.sin(x.numpy(force=True))).to(x.device)


@numpy_sin.register_fake
def _(x):
    # Describe the output (shape, dtype, device) without computing any values
    return torch.empty_like(x)


# "meta" tensors have a shape and a dtype but no data: the fake implementation runs
m = torch.empty(1000, 3, device="meta")
fake_result = numpy_sin(m)
print("meta input:", tuple(fake_result.shape), fake_result.device, "| NumPy calls so far:", len(numpy_calls))

# Real tensors still run the NumPy implementation
real_result = numpy_sin(torch.ones(2, 3, device=device))
print("real input:", tuple(real_result.shape), real_result.device.type, "| NumPy calls so far:", len(numpy_calls))
