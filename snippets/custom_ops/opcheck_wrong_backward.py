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


def setup_context(ctx, inputs, output):
    ctx.save_for_backward(inputs[0])


def backward(ctx, grad):
    (x,) = ctx.saved_tensors
    return grad * x.sin()  # wrong: the derivative of sin is cos


numpy_sin.register_autograd(backward, setup_context=setup_context)

x = torch.randn(4, 3, dtype=torch.float64, device=device, requires_grad=True)
print("opcheck:", list(torch.library.opcheck(numpy_sin, (x,)).values()))  # all pass
torch.autograd.gradcheck(numpy_sin, (x,))
