import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


class Scale(torch.autograd.Function):  # x * scale, or x itself when scale is None
    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(scale)  # a tensor or None: fine; a float: refused
        return x if scale is None else x * scale

    @staticmethod
    def backward(ctx, grad_output):
        (scale,) = ctx.saved_tensors  # None comes back as None
        return (grad_output if scale is None else grad_output * scale), None


x = torch.ones(3, device=device, requires_grad=True)
Scale.apply(x, torch.tensor(2.5, device=device)).sum().backward()
print("scale as a tensor works, x.grad:", x.grad.tolist())

x.grad = None
Scale.apply(x, None).sum().backward()
print("scale None works too,    x.grad:", x.grad.tolist())

Scale.apply(x, 2.5)  # a float: store it as ctx.scale = scale instead
