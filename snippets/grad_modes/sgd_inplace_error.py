import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(1.0, device=device)
y = torch.tensor(2.0, device=device)
w = torch.tensor(1.0, device=device, requires_grad=True)
lr = 0.01

loss = (w * x - y) ** 2
loss.backward()
print("dloss/dw:", w.grad.item())

w -= lr * w.grad  # the update, recorded like any other operation: refused
