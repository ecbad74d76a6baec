import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(1.0, device=device)
y = torch.tensor(2.0, device=device)
w = torch.tensor(1.0, device=device, requires_grad=True)

# Without retain_grad(): only the leaf keeps its gradient
y_hat = w * x
loss = (y_hat - y) ** 2
loss.backward()
print("w.grad:", w.grad.item())
print("y_hat.grad:", y_hat.grad)  # None, and PyTorch warns about it

# With retain_grad(): the intermediate keeps its gradient too
w.grad = None
y_hat = w * x
y_hat.retain_grad()  # ask autograd to store dloss/dy_hat
loss = (y_hat - y) ** 2
loss.backward()
print("y_hat.grad:", y_hat.grad.item(), "= 2 * (y_hat - y)")
print("w.grad:", w.grad.item(), "= y_hat.grad * x")
print("y_hat.is_leaf:", y_hat.is_leaf, " y_hat.retains_grad:", y_hat.retains_grad)
