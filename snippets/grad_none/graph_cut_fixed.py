import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


def gradient(f):
    w = torch.tensor([0.3, 1.7, 2.6], device=device, requires_grad=True)
    f(w).backward()
    return [round(g, 4) for g in w.grad.tolist()]


# Stay in torch: w.sum() instead of w.sum().item(), w.square() instead of NumPy's.
print("w.sum():               ", gradient(lambda w: w.sum()))
print("w.square().sum():      ", gradient(lambda w: w.square().sum()))
# argmax has no gradient; the largest value does (max), and so does a soft argmax.
print("w.max():               ", gradient(lambda w: w.max()))
positions = torch.arange(3, device=device, dtype=torch.float32)
print("soft argmax:           ", gradient(lambda w: (w.softmax(dim=0) * positions).sum()))
# round in the forward pass, identity in the backward: a straight-through estimator.
print("straight-through round:", gradient(lambda w: (w + (w.round() - w).detach()).sum()))
