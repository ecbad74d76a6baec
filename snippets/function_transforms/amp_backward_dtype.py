import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class MatMul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)  # the float32 inputs
        return a @ b  # under autocast: a bfloat16 matmul

    @staticmethod
    def backward(ctx, grad_output):  # runs after the autocast block has ended
        a, b = ctx.saved_tensors
        print("backward: grad_output", grad_output.dtype, "| b", b.dtype)
        return grad_output @ b.T, a.T @ grad_output


a = torch.randn(4, 3, device=device, requires_grad=True)
b = torch.randn(3, 2, device=device, requires_grad=True)
with torch.autocast(device, dtype=torch.bfloat16):
    out = MatMul.apply(a, b)
    print("forward output:", out.dtype)
    loss = out.sum()
loss.backward()  # bfloat16 @ float32, with no autocast to cast them
