import torch
from torch.autograd import Variable

device = "cuda" if torch.cuda.is_available() else "cpu"

# The article's line: Variable(torch.Tensor(...)).
x = Variable(torch.Tensor([1, 2, 3]).to(device))
print("Variable(torch.Tensor([1, 2, 3])):", x.dtype, " requires_grad:", x.requires_grad)

# torch.Tensor is the legacy constructor: always the default dtype, and
# a bare integer is a shape, not a value (the 3 numbers are left uninitialized).
print("torch.Tensor(3).shape:", tuple(torch.Tensor(3).shape), " torch.tensor(3).shape:", tuple(torch.tensor(3).shape))
print("torch.tensor([1, 2, 3]).dtype:", torch.tensor([1, 2, 3]).dtype)

# What to write: the data, its dtype, its device and requires_grad in one call.
w = torch.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
print("torch.tensor(..., requires_grad=True):", w.dtype, " leaf:", w.is_leaf, " requires_grad:", w.requires_grad)

# The legacy constructor does not even accept requires_grad.
torch.Tensor([1.0, 2.0, 3.0], requires_grad=True)
