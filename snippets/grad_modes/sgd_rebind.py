import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(1.0, device=device)
y = torch.tensor(2.0, device=device)
w = torch.tensor(1.0, device=device, requires_grad=True)
leaf = w  # keep a handle on the original parameter
lr = 0.01

loss = (w * x - y) ** 2
loss.backward()
w = w - lr * w.grad  # no error: this builds a NEW tensor, recorded in the graph
print("w =", round(w.item(), 4), " is_leaf:", w.is_leaf, " grad_fn:", type(w.grad_fn).__name__)

loss = (w * x - y) ** 2  # next step
loss.backward()
print("w.grad after the next backward:", w.grad)
print("the original leaf got it instead:", round(leaf.grad.item(), 4), "= -2 + -1.96, accumulated")
