import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class ExpCombined(torch.autograd.Function):  # forward receives ctx
    @staticmethod
    def forward(ctx, x):
        print("grad mode inside forward:", torch.is_grad_enabled())
        result = x.exp()
        ctx.save_for_backward(result)  # d/dx exp(x) = exp(x): save the output
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return grad_output * result


class ExpSeparate(torch.autograd.Function):  # forward has no ctx
    @staticmethod
    def forward(x):
        return x.exp()

    @staticmethod
    def setup_context(ctx, inputs, output):  # called right after forward
        ctx.save_for_backward(output)

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return grad_output * result


x = torch.randn(5, device=device, requires_grad=True)
(g_combined,) = torch.autograd.grad(ExpCombined.apply(x).sum(), x)
(g_separate,) = torch.autograd.grad(ExpSeparate.apply(x).sum(), x)
(g_builtin,) = torch.autograd.grad(torch.exp(x).sum(), x)
print("combined == separate:", torch.allclose(g_combined, g_separate))
print("separate == torch.exp:", torch.allclose(g_separate, g_builtin))
