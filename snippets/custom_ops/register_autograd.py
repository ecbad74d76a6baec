import numpy as np
import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


@torch.library.custom_op("mylib::numpy_sin", mutates_args=())
def numpy_sin(x: torch.Tensor) -> torch.Tensor:
    return torch.from_numpy(np.sin(x.numpy(force=True))).to(x.device)


def setup_context(ctx, inputs, output):
    (x,) = inputs
    ctx.save_for_backward(x)  # what backward will need


def backward(ctx, grad):
    (x,) = ctx.saved_tensors
    return grad * x.cos()  # PyTorch ops, so autograd can differentiate this too


numpy_sin.register_autograd(backward, setup_context=setup_context)

x = torch.tensor([0.5, 1.0, 2.0], device=device, requires_grad=True)
(dx,) = torch.autograd.grad(numpy_sin(x).sum(), x, create_graph=True)
(ddx,) = torch.autograd.grad(dx.sum(), x)  # double backward

show = lambda t: [round(v, 4) for v in t.tolist()]  # noqa: E731
print("first derivative: ", show(dx))
print("cos(x):           ", show(x.cos()))
print("second derivative:", show(ddx))
print("-sin(x):          ", show(-x.sin()))
