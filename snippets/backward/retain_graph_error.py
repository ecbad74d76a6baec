import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(3.0, device=device, requires_grad=True)
y = x**2  # the graph saves x, needed to compute 2 * x in backward

y.backward()  # uses the saved x, then frees it
print("x.grad after the first backward:", x.grad.item())

y.backward()  # the same graph again: its saved tensors are gone
