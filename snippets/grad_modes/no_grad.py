import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

w = torch.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)

y = w * 2  # recorded: autograd keeps a node for the multiplication
print("outside:  grad enabled =", torch.is_grad_enabled())
print("          y.requires_grad =", y.requires_grad, " y.grad_fn =", type(y.grad_fn).__name__)

with torch.no_grad():
    z = w * 2  # same operation, nothing recorded
    print("inside:   grad enabled =", torch.is_grad_enabled())
print("          z.requires_grad =", z.requires_grad, " z.grad_fn =", z.grad_fn)
print("          z is leaf:", z.is_leaf, " values:", z.tolist())

print("after:    grad enabled =", torch.is_grad_enabled())
print("w itself is unchanged: requires_grad =", w.requires_grad)
