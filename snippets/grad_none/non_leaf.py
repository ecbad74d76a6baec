import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# A tensor made with requires_grad=True, then converted: the conversion is recorded.
w = torch.rand(3, requires_grad=True).to(device=device, dtype=torch.float64)
print("w.is_leaf:", w.is_leaf, "| w.grad_fn:", w.grad_fn.name())
(w * 2).sum().backward()
print("w.grad:", w.grad)  # None, with a warning: backward filled the original float32 tensor

# The fix: create the tensor with its final device and dtype, then it is the leaf.
w = torch.rand(3, device=device, dtype=torch.float64, requires_grad=True)
(w * 2).sum().backward()
print("made with device= and dtype=: w.is_leaf:", w.is_leaf, "| w.grad:", w.grad.tolist())

# Or convert first and ask for gradients afterwards.
w = torch.rand(3).to(device=device, dtype=torch.float64).requires_grad_()
(w * 2).sum().backward()
print("converted, then requires_grad_(): w.grad:", w.grad.tolist())

# Modules differ: Module.to() converts the data of the same Parameter objects, which stay leaves.
layer = nn.Linear(3, 1)
weight = layer.weight
layer.to(device=device, dtype=torch.float64)
print("after layer.to(...): same Parameter:", layer.weight is weight, "| is_leaf:", layer.weight.is_leaf)
