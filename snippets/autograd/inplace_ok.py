import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

# Fix 1: do it out of place. z is a new tensor; the saved y is untouched.
x = torch.tensor([0.0, 1.0], device=device, requires_grad=True)
y = x.exp()
z = y + 1
z.sum().backward()
print("out of place: y._version =", y._version, " x.grad =", [round(g, 4) for g in x.grad.tolist()])

# Fix 2: change in place only what no backward node saved.
# x * 3 saves only the 3 (its derivative with respect to x), not its output u.
x = torch.tensor([0.0, 1.0], device=device, requires_grad=True)
u = x * 3
saved_x = u.grad_fn._saved_self is not None
print("MulBackward0 saved x:", saved_x, " saved other:", u.grad_fn._saved_other.item())
u.add_(1)
u.sum().backward()
print("in place, nothing saved: u._version =", u._version, " x.grad =", x.grad.tolist())
