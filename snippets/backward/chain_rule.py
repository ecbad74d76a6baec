import math

import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

# w = g(f(x)) with f(x) = x**2 and g(y) = sin(y)
x = torch.tensor(1.5, device=device, requires_grad=True)
y = x**2  # f
w = torch.sin(y)  # g

w.backward()  # fills x.grad with dw/dx

# The chain rule by hand: dw/dx = dw/dy * dy/dx = cos(x**2) * 2x
by_hand = math.cos(1.5**2) * 2 * 1.5
print(f"autograd dw/dx = {x.grad.item():.6f}")
print(f"by hand  dw/dx = {by_hand:.6f}")
