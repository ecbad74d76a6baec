import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(scale)  # fine for a tensor, refused for a float
        return x * scale

    @staticmethod
    def backward(ctx, grad_output):
        (scale,) = ctx.saved_tensors
        return grad_output * scale, None


x = torch.ones(3, device=device, requires_grad=True)
Scale.apply(x, torch.tensor(2.5, device=device)).sum().backward()
print("scale as a tensor works, x.grad:", x.grad.tolist())

Scale.apply(x, 2.5)  # a float: store it as ctx.scale = scale instead
