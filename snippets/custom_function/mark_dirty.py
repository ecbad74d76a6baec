import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class ReLUInplace(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.clamp_(min=0)  # modifies the input's memory
        ctx.mark_dirty(x)  # tell autograd: x was changed in place
        ctx.save_for_backward(x)  # the output: > 0 exactly where the slope is 1
        return x  # an in-place Function returns the dirtied tensor

    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors
        return grad_output * (out > 0)


a = torch.randn(6, device=device, requires_grad=True)
h = a.clone()  # a non-leaf: a leaf that requires grad may not be changed in place
print("h.grad_fn before:", type(h.grad_fn).__name__)
out = ReLUInplace.apply(h)
print("h.grad_fn after: ", type(h.grad_fn).__name__, "| out is h:", out is h)
out.sum().backward()
print("a.grad:", a.grad.tolist())
print("same as torch.relu:", torch.equal(a.grad, (a.detach() > 0).float()))
