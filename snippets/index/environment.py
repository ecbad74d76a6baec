import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

print("PyTorch", torch.__version__)
print("device:", device)

# The smallest possible gradient: d(x**2)/dx at x = 3 is 6.
x = torch.tensor(3.0, device=device, requires_grad=True)
(x**2).backward()
print("d(x**2)/dx at 3 =", x.grad.item())
