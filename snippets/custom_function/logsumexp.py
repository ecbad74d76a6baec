import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


class LogSumExp(torch.autograd.Function):
    @staticmethod
    def forward(x):
        m = x.max()
        return m + torch.log(torch.exp(x - m).sum())  # every exp() is <= 1

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        ctx.save_for_backward(x, output)

    @staticmethod
    def backward(ctx, grad_output):
        x, lse = ctx.saved_tensors
        return grad_output * torch.exp(x - lse)  # softmax(x), never above 1


x = torch.tensor([1000.0, 1001.0, 1002.0], device=device, requires_grad=True)

naive = torch.log(torch.exp(x).sum())  # exp(1000) overflows float32 to inf
naive.backward()
print("naive value:", naive.item(), "| naive grad:", x.grad.tolist())

x.grad = None
stable = LogSumExp.apply(x)
stable.backward()
print("stable value:", round(stable.item(), 4))
print("stable grad: ", [round(g, 4) for g in x.grad.tolist()])
print("same as torch.logsumexp:", torch.allclose(stable, torch.logsumexp(x, dim=0)))

grad_custom, x.grad = x.grad, None
m = x.max()  # autograd through the stable formula, for comparison
(m + torch.log(torch.exp(x - m).sum())).backward()
print("autograd of the stable formula agrees:", torch.allclose(x.grad, grad_custom, atol=1e-4))
