import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor([0.0, 1.0], device=device, requires_grad=True)
y = x.exp()  # ExpBackward0 saves y itself: d exp(x)/dx = exp(x)
y.detach().add_(1)  # the same change, through detach() this time
print("y._version after y.detach().add_(1):", y._version)  # shared counter: bumped

y.sum().backward()  # the saved y is at version 1, not 0: refused
