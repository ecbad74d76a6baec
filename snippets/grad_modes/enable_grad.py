import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(2.0, device=device, requires_grad=True)

with torch.no_grad():
    a = x * 2  # not recorded
    with torch.enable_grad():
        b = x**3  # recorded again, even though we are inside no_grad
    c = x * 4  # not recorded: leaving enable_grad restores no_grad

print("a.requires_grad:", a.requires_grad)
print("b.requires_grad:", b.requires_grad, " b.grad_fn:", type(b.grad_fn).__name__)
print("c.requires_grad:", c.requires_grad)

b.backward()  # db/dx = 3 * x**2 = 12
print("x.grad:", x.grad.item())
