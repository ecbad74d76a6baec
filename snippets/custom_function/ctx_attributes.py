import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class ScaledMul(torch.autograd.Function):  # out = x * w * scale, scale a Python float
    @staticmethod
    def forward(ctx, x, w, scale):
        ctx.save_for_backward(x, w)  # tensors go through save_for_backward
        ctx.scale = scale  # anything else is a plain attribute on ctx
        return x * w * scale

    @staticmethod
    def backward(ctx, grad_output):
        x, w = ctx.saved_tensors
        print("  needs_input_grad:", ctx.needs_input_grad)
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:  # skip work nobody asked for
            grad_x = grad_output * w * ctx.scale
        if ctx.needs_input_grad[1]:
            grad_w = grad_output * x * ctx.scale
        return grad_x, grad_w, None  # one entry per forward input; None for scale


x = torch.randn(3, device=device, requires_grad=True)
w = torch.randn(3, device=device)  # a constant: no gradient wanted
print("backward with only x requiring grad:")
ScaledMul.apply(x, w, 2.5).sum().backward()
print("x.grad == 2.5 * w:", torch.allclose(x.grad, 2.5 * w))

w.requires_grad_()
x.grad = None  # gradients accumulate: start afresh
print("backward with x and w requiring grad:")
ScaledMul.apply(x, w, 2.5).sum().backward()
print("w.grad == 2.5 * x:", torch.allclose(w.grad, 2.5 * x))
