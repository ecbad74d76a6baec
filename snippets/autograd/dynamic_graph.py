import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


def f(x):
    # Ordinary Python control flow that depends on the values in x
    if x.sum() > 0:
        y = x.exp()
    else:
        y = x.sin()
    while y.abs().sum() < 10:
        y = y * 2
    return y.sum()


def chain(t):
    """Names of the backward nodes from t towards its first input."""
    names, node = [], t.grad_fn
    while node is not None:
        names.append(type(node).__name__)
        node = node.next_functions[0][0] if node.next_functions else None
    return " -> ".join(names)


for values in ([0.5, 1.0], [-1.0, -0.5]):
    x = torch.tensor(values, device=device, requires_grad=True)
    out = f(x)
    out.backward()
    print(f"x = {values}")
    print("  graph:", chain(out))
    print("  grad: ", [round(g, 4) for g in x.grad.tolist()])
