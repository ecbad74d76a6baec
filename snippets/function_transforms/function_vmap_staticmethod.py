import numpy as np
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
numpy_calls = []


class NumpySin(torch.autograd.Function):
    @staticmethod
    def forward(x):
        numpy_calls.append(tuple(x.shape))
        return torch.from_numpy(np.sin(x.numpy(force=True))).to(x.device)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.cos()

    @staticmethod
    def vmap(info, in_dims, x):
        # x arrives as an ordinary tensor with the batch inside, at dimension in_dims[0]:
        # elementwise, so one call on the whole batch, batch dimension unchanged
        return NumpySin.apply(x), in_dims[0]


batch = torch.randn(4, 3, device=device)
result = torch.vmap(NumpySin.apply)(batch)
print("same as torch.sin:", torch.allclose(result, batch.sin()))
print("NumPy calls:", numpy_calls)  # one call with the whole batch
per_sample = torch.vmap(torch.func.grad(lambda row: NumpySin.apply(row).sum()))(batch)
print("vmap(grad) equals cos:", torch.allclose(per_sample, batch.cos()))
