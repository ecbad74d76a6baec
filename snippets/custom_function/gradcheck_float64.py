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


# float64 inputs that require grad; gradcheck perturbs each element by eps=1e-6
x = torch.randn(4, 5, dtype=torch.float64, device=device, requires_grad=True)
print("closest input to the kink at 0:", round(x.abs().min().item(), 4))
print("gradcheck:", gradcheck(MyReLU.apply, (x,)))
