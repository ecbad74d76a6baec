import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
y = x * 2  # version 0 of y, made by a MulBackward0 node
y.register_hook(lambda g: print("hook registered before mul_:", g.tolist()))

y.mul_(3)  # in place: y is now version 1, made by a second MulBackward0
y.register_hook(lambda g: print("hook registered after mul_: ", g.tolist()))
print("y.grad_fn:", y.grad_fn.name(), "->", y.grad_fn.next_functions[0][0].name())

loss = (y * torch.tensor([1.0, 10.0], device=device)).sum()
loss.backward()
print("x.grad:", x.grad.tolist(), "= 1 * 2 * 3 and 10 * 2 * 3")
