import numpy as np
import torch

device = "cuda" if torch.cuda.is_available() else "cpu"
x = torch.tensor([0.5, 1.0, 2.0], device=device, requires_grad=True)

# Plain NumPy: autograd sees a new tensor with no history
plain = torch.from_numpy(np.sin(x.numpy(force=True)))
print("plain NumPy result requires grad:", plain.requires_grad)


# The same code as a custom operator
@torch.library.custom_op("mylib::numpy_sin", mutates_args=())
def numpy_sin(x: torch.Tensor) -> torch.Tensor:
    # NumPy works on the CPU: copy out, compute, copy back to x's device
    return torch.from_numpy(np.sin(x.numpy(force=True))).to(x.device)


y = numpy_sin(x)
print("forward:", [round(v, 4) for v in y.tolist()])
print("custom op result requires grad:", y.requires_grad)
print("its grad_fn:", type(y.grad_fn).__name__)
y.sum().backward()  # but nobody told autograd the derivative
