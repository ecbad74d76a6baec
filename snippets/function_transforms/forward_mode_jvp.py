import torch
import torch.autograd.forward_ad as fwAD
from torch.func import hessian, jacfwd, jvp

device = "cuda" if torch.cuda.is_available() else "cpu"


class Cube(torch.autograd.Function):
    generate_vmap_rule = True  # jacfwd and hessian run jvp under vmap

    @staticmethod
    def forward(x):
        return x**3

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        ctx.save_for_backward(x)  # read in backward
        ctx.save_for_forward(x)  # read in jvp

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return 3 * x**2 * grad_output

    @staticmethod
    def jvp(ctx, x_tangent):  # a tangent per input in, a tangent per output out: J v
        (x,) = ctx.saved_tensors
        return 3 * x**2 * x_tangent


def total(t):
    return Cube.apply(t).sum()


x = torch.tensor([1.0, 2.0, 3.0], device=device)
v = torch.tensor([1.0, 0.0, -1.0], device=device)
print("jvp, 3x²·v:         ", jvp(Cube.apply, (x,), (v,))[1].tolist())
with fwAD.dual_level():  # the low-level API calls the same jvp
    print("dual tangent:       ", fwAD.unpack_dual(Cube.apply(fwAD.make_dual(x, v))).tangent.tolist())
print("jacfwd, diagonal:   ", jacfwd(Cube.apply)(x).diagonal().tolist())  # 3x²
print("hessian, diagonal:  ", hessian(total)(x).diagonal().tolist())  # 6x
