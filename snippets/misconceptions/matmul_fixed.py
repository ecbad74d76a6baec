import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.randn(2, 2, device=device, requires_grad=True)  # 2 samples x 2 features
w = torch.randn(2, 1, device=device, requires_grad=True)  # 2 features -> 1 output
target = torch.tensor([[3.0], [5.0]], device=device)  # float, same shape as y

y = x @ w  # (2, 2) @ (2, 1) -> (2, 1)
loss = torch.mean((y - target) ** 2)
loss.backward()

print("x.grad:", tuple(x.grad.shape), "== x:", tuple(x.shape))
print("w.grad:", tuple(w.grad.shape), "== w:", tuple(w.shape))

# By hand: the mean over 2 rows gives dloss/dy = (y - target),
# so dloss/dw = x^T (y - target) and dloss/dx = (y - target) w^T.
with torch.no_grad():
    r = y - target
    w_ok = torch.allclose(w.grad, x.T @ r)
    x_ok = torch.allclose(x.grad, r @ w.T)
print("w.grad matches x^T (y - target):", w_ok)
print("x.grad matches (y - target) w^T:", x_ok)
