import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

w = torch.tensor([1.0, 2.0], device=device, requires_grad=True)  # float32: fine
print("float32 can require grad:", w.requires_grad)

z = torch.tensor([1 + 2j], device=device, requires_grad=True)  # complex: fine too
print("complex64 can require grad:", z.requires_grad)

# Integers are not differentiable, so autograd refuses them:
n = torch.tensor([1, 2], device=device, requires_grad=True)
