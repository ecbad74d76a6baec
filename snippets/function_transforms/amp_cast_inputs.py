import numpy as np
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class NumpyExp(torch.autograd.Function):
    @staticmethod
    @torch.amp.custom_fwd(device_type=device, cast_inputs=torch.float32)
    def forward(ctx, x):  # inside autocast: x cast to float32, autocast off in here
        y = torch.from_numpy(np.exp(x.numpy(force=True))).to(x.device)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    @torch.amp.custom_bwd(device_type=device)
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * y


layer = torch.nn.Linear(3, 3).to(device)
x = torch.randn(2, 3, device=device)
with torch.autocast(device, dtype=torch.bfloat16):
    h = layer(x)
    y = NumpyExp.apply(h)
    print("the layer's output:", h.dtype, "| the Function's output:", y.dtype)
y.sum().backward()
print("gradient reaches the layer:", layer.weight.grad.dtype, tuple(layer.weight.grad.shape))
print("y == exp(h):", torch.allclose(y, h.float().exp()))
