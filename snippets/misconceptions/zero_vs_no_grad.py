import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

# The least-squares step: feature x = 1, target y = 2, weight w = 1.
x = torch.tensor(1.0, device=device)
y = torch.tensor(2.0, device=device)
w = torch.tensor(1.0, device=device, requires_grad=True)
lr = 0.01

((w * x - y) ** 2).backward()
print("after backward():          w.grad =", w.grad)

with torch.no_grad():  # job 1: keep the update itself out of the graph
    w -= lr * w.grad
print("after the no_grad update:  w =", round(w.item(), 4), " leaf:", w.is_leaf, " grad_fn:", w.grad_fn)
print("                           w.grad =", w.grad)  # no_grad left it alone

# Job 2, a separate line: reset the gradient before the next backward().
w.grad.zero_()  # fills it with zeros
print("after w.grad.zero_():      w.grad =", w.grad)
w.grad = None  # drops it: what optimizer.zero_grad() does by default
print("after w.grad = None:       w.grad =", w.grad)

((w * x - y) ** 2).backward()  # the next step's gradient, on its own
print("after the next backward(): w.grad =", round(w.grad.item(), 4))
