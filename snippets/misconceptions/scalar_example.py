import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.randn(1, device=device, requires_grad=True)
w = torch.randn(1, device=device, requires_grad=True)
b = torch.randn(1, device=device, requires_grad=True)

y = x * w + b
loss = (y - 2) ** 2
loss.backward()

# By hand: dloss/dy = 2(y - 2), and dy/dx = w, dy/dw = x, dy/db = 1.
dloss_dy = 2 * (y.item() - 2)
by_hand = {"x": dloss_dy * w.item(), "w": dloss_dy * x.item(), "b": dloss_dy}
for name, tensor in [("x", x), ("w", w), ("b", b)]:
    print(f"dloss/d{name}: autograd {tensor.grad.item():+.4f}   by hand {by_hand[name]:+.4f}")

optimizer = torch.optim.SGD([x, w, b], lr=0.01)
before = {name: t.item() for name, t in [("x", x), ("w", w), ("b", b)]}
optimizer.step()  # each tensor moves by -lr * grad (x too: it was given to the optimizer)
for name, tensor in [("x", x), ("w", w), ("b", b)]:
    print(f"{name}: {before[name]:+.4f} -> {tensor.item():+.4f}")

optimizer.zero_grad()  # needed before the next backward(), or the gradients add up
print("after zero_grad():", w.grad)
