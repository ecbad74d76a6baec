import matplotlib.pyplot as plt
import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(1.0, device=device)
y = torch.tensor(2.0, device=device)
w = torch.tensor(1.0, device=device, requires_grad=True)
lr = 0.01

losses, weights = [], []
for step in range(400):
    loss = (w * x - y) ** 2
    loss.backward()
    losses.append(loss.item())
    weights.append(w.item())
    with torch.no_grad():
        w -= lr * w.grad
    w.grad = None

print(f"loss after 0, 100, 399 steps: {losses[0]:.4f}, {losses[100]:.4f}, {losses[399]:.6f}")

fig, (left, right) = plt.subplots(1, 2)
left.plot(losses)
left.set(title="loss", xlabel="step", yscale="log")
right.plot(weights)
right.axhline(2.0, linestyle="--", color="tab:orange")
right.set(title="w (target 2)", xlabel="step")
fig.tight_layout()
plt.show()
