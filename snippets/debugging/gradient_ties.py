import torch

device = "cuda" if torch.cuda.is_available() else "cpu"
values = [1.0, 3.0, 3.0]  # the largest value, 3, appears twice


def grad_of(f):
    """The gradient of f(x) at x = values, for an f that returns one number."""
    x = torch.tensor(values, device=device, requires_grad=True)
    f(x).backward()
    return x.grad.tolist()


# max(), amax() and median() without an index: the tied elements share the gradient.
print("x.max()                ", grad_of(lambda x: x.max()))
print("x.amax(dim=0)          ", grad_of(lambda x: x.amax(dim=0)))
print("x.median()             ", grad_of(lambda x: x.median()))
# Reductions that also return an index: all of the gradient goes to that one element.
x = torch.tensor(values, device=device)
print("x.max(dim=0)           ", grad_of(lambda x: x.max(dim=0).values), " index:", x.max(dim=0).indices.item())
print("x.median(dim=0)        ", grad_of(lambda x: x.median(dim=0).values), " index:", x.median(dim=0).indices.item())
print("x.topk(1).values.sum() ", grad_of(lambda x: x.topk(1).values.sum()), " index:", x.topk(1).indices.item())
