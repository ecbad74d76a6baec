import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class MatMul(torch.autograd.Function):
    @staticmethod
    @torch.amp.custom_fwd(device_type=device)  # records autocast's state on ctx
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    @torch.amp.custom_bwd(device_type=device)  # runs backward under that same state
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        print("backward: autocast on:", torch.is_autocast_enabled(device))
        return grad_output @ b.T, a.T @ grad_output


a = torch.randn(4, 3, device=device, requires_grad=True)
b = torch.randn(3, 2, device=device, requires_grad=True)
with torch.autocast(device, dtype=torch.bfloat16):
    loss = MatMul.apply(a, b).sum()
loss.backward()
print("gradients:", a.grad.dtype, b.grad.dtype)  # bfloat16 results, cast to the inputs' dtype

a_ref, b_ref = a.detach().requires_grad_(), b.detach().requires_grad_()
with torch.autocast(device, dtype=torch.bfloat16):
    (a_ref @ b_ref).sum().backward()  # autocast's own matmul, for comparison
print("same as the built-in matmul:", torch.allclose(a.grad, a_ref.grad), torch.allclose(b.grad, b_ref.grad))
