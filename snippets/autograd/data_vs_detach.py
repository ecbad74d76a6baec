import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor([0.0, 1.0], device=device, requires_grad=True)
y = x.exp()  # ExpBackward0 saves y itself: d exp(x)/dx = exp(x)
y.data.add_(1)  # changes y's numbers behind autograd's back
print("y._version after y.data.add_(1):", y._version)  # not bumped: no error later

y.sum().backward()  # runs without complaint, using the changed y
print("x.grad from backward():", [round(g, 4) for g in x.grad.tolist()])
print("correct d/dx sum(exp(x)):", [round(g, 4) for g in x.detach().exp().tolist()])
