import torch
from torch.autograd import Variable  # still importable, for old code

device = "cuda" if torch.cuda.is_available() else "cpu"

t = torch.tensor([1.0, 2.0, 3.0], device=device)
v = Variable(t)
print("type(Variable(t)):", type(v))
print("type is torch.Tensor:", type(v) is torch.Tensor)
print("requires_grad:", v.requires_grad)
print("shares t's storage:", v.untyped_storage().data_ptr() == t.untyped_storage().data_ptr())

p = Variable(t, requires_grad=True)
print("Variable(t, requires_grad=True):", type(p), p.requires_grad, "leaf:", p.is_leaf)

# isinstance(..., Variable) is True for every tensor, so it tells nothing:
print("isinstance(t, Variable):", isinstance(t, Variable))

# What to write today:
q = torch.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
print("torch.tensor(..., requires_grad=True):", type(q), q.requires_grad, "leaf:", q.is_leaf)
