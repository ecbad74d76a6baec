import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class Sort(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        values, indices = torch.sort(x)
        ctx.mark_non_differentiable(indices)  # integer positions: no gradient
        ctx.save_for_backward(indices)
        return values, indices

    @staticmethod
    def backward(ctx, grad_values, grad_indices):  # one grad per output
        (indices,) = ctx.saved_tensors
        grad_x = torch.zeros_like(grad_values)
        grad_x[indices] = grad_values  # send each gradient back to where it came from
        return grad_x


x = torch.randn(5, device=device, requires_grad=True)
values, indices = Sort.apply(x)
print("indices:", indices.tolist(), "requires_grad:", indices.requires_grad)
print("values requires_grad:", values.requires_grad)

weights = torch.arange(1.0, 6.0, device=device)  # weight the k-th smallest by k
(values * weights).sum().backward()
print("x.grad:", x.grad.tolist())

x_ref = x.detach().clone().requires_grad_()
(torch.sort(x_ref).values * weights).sum().backward()
print("same as torch.sort's gradient:", torch.equal(x.grad, x_ref.grad))
