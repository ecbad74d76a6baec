import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
print("device:", device)

# Created on the CPU, then moved. On a GPU machine .to("cuda") is a recorded copy
# (not a leaf); on a CPU-only machine .to("cpu") returns the same tensor.
x = torch.rand(3, requires_grad=True).to(device)
print("rand(3, requires_grad=True).to(device) is a leaf:", x.is_leaf)

# The same mechanism, visible on any machine: .to(float64) makes a real copy.
y = torch.rand(3, requires_grad=True).to(torch.float64)
print("rand(3, requires_grad=True).to(float64) is a leaf:", y.is_leaf, " grad_fn:", y.grad_fn.name())

# The right way: create the tensor where it will live.
z = torch.rand(3, device=device, requires_grad=True)
print("rand(3, device=device, requires_grad=True) is a leaf:", z.is_leaf)
