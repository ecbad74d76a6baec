import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(3.0, device=device, requires_grad=True)

# x + 1 saves no tensor: its derivative is 1, whatever x is.
y = x + 1
y.backward()
y.backward()  # a second pass, no retain_graph: nothing was freed, so it works
print("x + 1, two backwards: x.grad =", x.grad.item(), "(1 + 1)")

# x * 2 saves the factor 2 (wrapped in a tensor): d(x * 2)/dx needs it.
x.grad = None
y = x * 2
print("x * 2 saved for backward:", y.grad_fn._saved_other)
y.backward()  # uses the saved 2, then frees it
print("x * 2, first backward:  x.grad =", x.grad.item())
y.backward()  # the same graph again: its saved tensor is gone
