import torch
from torch.autograd import gradcheck

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


# The same correct Function, checked with float32 inputs (the default dtype)
x = torch.randn(4, device=device, requires_grad=True)
gradcheck(MyReLU.apply, (x,))  # warns, then raises: float32 cannot resolve eps=1e-6
