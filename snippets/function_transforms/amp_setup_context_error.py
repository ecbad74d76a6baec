import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class MatMul(torch.autograd.Function):
    @staticmethod
    @torch.amp.custom_fwd(device_type=device)  # stores autocast's state on its first argument: here `a`
    def forward(a, b):
        return a @ b

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(*inputs)

    @staticmethod
    @torch.amp.custom_bwd(device_type=device)  # looks for that state on ctx, and finds none
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        return grad_output @ b.T, a.T @ grad_output


a = torch.randn(4, 3, device=device, requires_grad=True)
b = torch.randn(3, 2, device=device, requires_grad=True)
with torch.autocast(device, dtype=torch.bfloat16):
    loss = MatMul.apply(a, b).sum()
print("custom_fwd stored its state on the tensor a:", hasattr(a, "_fwd_used_autocast"))  # private
loss.backward()
