import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


class RoundSTE(torch.autograd.Function):  # round in forward, identity in backward
    @staticmethod
    def forward(x):
        return torch.round(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass  # nothing to save: the backward does not depend on x

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output  # "straight through": pretend round() was x -> x


x = torch.tensor([0.2, 1.7, -2.4], device=device, requires_grad=True)

torch.round(x).sum().backward()
print("autograd's round grad:", x.grad.tolist())  # zero almost everywhere

x.grad = None
y = RoundSTE.apply(x)
y.sum().backward()
print("forward values:       ", y.tolist())
print("straight-through grad:", x.grad.tolist())
