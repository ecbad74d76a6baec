import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

w = torch.tensor(3.0, device=device, requires_grad=True)

loss = w**2  # d(loss)/dw = 2w = 6
loss.backward()
print("after one backward:  ", w.grad.item())

loss = w**2  # a new graph, same leaf
loss.backward()
print("after two backwards: ", w.grad.item(), "(added, not replaced)")

w.grad.zero_()  # or: w.grad = None, which optimizers do by default
loss = w**2
loss.backward()
print("after zeroing:       ", w.grad.item())
