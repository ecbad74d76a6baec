import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor([4.0, 0.0], device=device, requires_grad=True)

# In anomaly mode autograd remembers where each forward operation was called
# and checks the output of every backward function for nan.
with torch.autograd.detect_anomaly():
    y = torch.where(x > 0, torch.sqrt(x), torch.zeros_like(x))
    loss = y.sum()
    loss.backward()  # raises, naming the backward function that made the nan
