import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
y = x**2  # three outputs, not one
print("y:", y.tolist())

# backward() with no argument only knows where to start for a single number:
# d(y)/d(y) = 1. For a vector y it refuses to guess.
y.backward()
