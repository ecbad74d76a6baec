import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor([1.0, 2.0], device=device, requires_grad=True)  # leaf
y = x * 2  # not a leaf: an operation made it
(y**2).sum().backward()

print("x.is_leaf:", x.is_leaf, " x.grad:", x.grad.tolist())
print("y.is_leaf:", y.is_leaf, " y.grad:", y.grad)

x.grad = None
y = x * 2
y.retain_grad()  # ask autograd to keep this non-leaf's gradient
(y**2).sum().backward()
print("with retain_grad(), y.grad:", y.grad.tolist())
