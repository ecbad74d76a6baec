import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


def f(x):
    # Plain Python control flow picks the operation at run time.
    if x.sum() > 0:
        return x * x
    return torch.sin(x)


grad_fns, grads = [], []
for values in ([1.0, 2.0], [-1.0, -2.0]):
    x = torch.tensor(values, device=device, requires_grad=True)
    y = f(x)  # the graph is recorded now, for this input only
    y.sum().backward()
    grad_fns.append(y.grad_fn.name())
    grads.append(x.grad.tolist())
    print(f"x = {values}: y.grad_fn = {y.grad_fn.name()}, x.grad = {[round(g, 4) for g in x.grad.tolist()]}")
