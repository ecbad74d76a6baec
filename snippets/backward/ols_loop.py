import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(1.0, device=device)
y = torch.tensor(2.0, device=device)
w = torch.tensor(1.0, device=device, requires_grad=True)
lr = 0.01

step = 0
while True:
    loss = (w * x - y) ** 2
    loss.backward()
    if step % 100 == 0 or step < 3:
        print(f"step {step:3d}  w = {w.item():.4f}  loss = {loss.item():.6f}  grad = {w.grad.item():+.4f}")
    if abs(w.grad.item()) < 1e-3:  # close enough to the minimum at w = 2
        break
    with torch.no_grad():
        w -= lr * w.grad
    w.grad.zero_()
    step += 1

print(f"converged after {step} steps: w = {w.item():.4f}")
