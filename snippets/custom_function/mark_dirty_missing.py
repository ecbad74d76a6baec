import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class ReLUInplaceUnmarked(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.clamp_(min=0)  # changes x in place, but autograd is not told
        ctx.save_for_backward(x)
        return x

    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors
        return grad_output * (out > 0)


a = torch.randn(6, device=device, requires_grad=True)
h = a.clone()  # a non-leaf copy of a
out = ReLUInplaceUnmarked.apply(h)
print("out is h:", out is h, "| same memory:", out.data_ptr() == h.data_ptr())
print("h.grad_fn:", type(h.grad_fn).__name__)  # still the clone: not the Function
print("h values:", [round(v, 4) for v in h.tolist()])  # clamped: the negatives are gone

out.sum().backward()  # through out: the Function's backward, right
print("a.grad via out:", a.grad.tolist())
a.grad = None
h.sum().backward()  # through h: autograd still sees a plain copy, wrong
print("a.grad via h:  ", a.grad.tolist())
