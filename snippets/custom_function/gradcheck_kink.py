import torch
from torch.autograd import gradcheck

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
        grad_input[input < 0] = 0  # at exactly 0 this keeps slope 1
        return grad_input


# float64 this time, but one input sits exactly on the kink
x = torch.tensor([-1.0, 0.0, 2.0], dtype=torch.float64, device=device, requires_grad=True)
# numerically: (relu(0 + eps) - relu(0 - eps)) / (2 eps) = 0.5; analytically: 1
gradcheck(MyReLU.apply, (x,))
