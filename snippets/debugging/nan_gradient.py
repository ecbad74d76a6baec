import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

# A "safe" square root: 0 where x <= 0. The forward pass looks fine...
x = torch.tensor([4.0, 0.0], device=device, requires_grad=True)
y = torch.where(x > 0, torch.sqrt(x), torch.zeros_like(x))
loss = y.sum()
print("loss:", loss.item())

# ...but backward still goes through sqrt at x = 0, whose derivative 1 / (2 * sqrt(0))
# is inf. torch.where passes it a gradient of 0 there, and 0 * inf = nan.
loss.backward()
print("x.grad:", x.grad.tolist())

# A fix: never let sqrt see the values the mask throws away.
x.grad = None
safe_x = torch.where(x > 0, x, torch.ones_like(x))
y = torch.where(x > 0, torch.sqrt(safe_x), torch.zeros_like(x))
y.sum().backward()
print("x.grad with the fix:", x.grad.tolist())
