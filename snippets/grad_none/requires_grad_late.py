import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor([1.0, 2.0, 3.0], device=device)
w = torch.tensor([0.5, -1.0, 2.0], device=device)
b = torch.tensor(0.1, device=device, requires_grad=True)

loss = (w * x).sum() + b  # w * x is computed while w does not require grad: not recorded
w.requires_grad_()  # too late for the loss above
loss.backward()
print("w.grad:", w.grad, "| b.grad:", b.grad.item())

# The fix: ask for gradients before the forward pass that should record them.
w.grad, b.grad = None, None
loss = (w * x).sum() + b
loss.backward()
print("set before the forward: w.grad:", w.grad.tolist())
