import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(1.0, device=device)
y = torch.tensor(2.0, device=device)
w = torch.tensor(1.0, device=device, requires_grad=True)
lr = 0.01

for step in range(2):
    loss = (w * x - y) ** 2
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad  # in place, not recorded
    print(f"step {step}: grad = {w.grad.item():+.4f}  ->  w = {w.item():.4f}")
    w.grad = None

print("w is still a leaf:", w.is_leaf, " requires_grad:", w.requires_grad, " grad_fn:", w.grad_fn)
