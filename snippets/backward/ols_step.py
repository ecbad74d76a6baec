import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(1.0, device=device)  # feature: fixed data
y = torch.tensor(2.0, device=device)  # target: fixed data
w = torch.tensor(1.0, device=device, requires_grad=True)  # the weight we learn

y_hat = w * x  # forward: prediction
loss = (y_hat - y) ** 2  # forward: squared error
print("loss:", loss.item())

loss.backward()  # d(loss)/dw = 2 * (w*x - y) * x
print("dloss/dw:", w.grad.item())

lr = 0.01
with torch.no_grad():  # the update itself must not be recorded
    w -= lr * w.grad
w.grad = None  # forget this step's gradient before the next one
print("w after one step:", round(w.item(), 6))
