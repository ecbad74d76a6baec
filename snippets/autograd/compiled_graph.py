import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


def f(x):
    return (x.sin() * 2).exp().sum()


def chain(node):
    """Node names from the output back to the leaf, following the first input."""
    names = []
    while node is not None:
        names.append(type(node).__name__)
        node = node.next_functions[0][0] if node.next_functions else None
    return " -> ".join(names)


x = torch.tensor([0.5, 1.0], device=device, requires_grad=True)
eager = f(x)  # eager mode: one node per operation, recorded as it runs
print("eager:   ", chain(eager.grad_fn))

# aot_eager: AOTAutograd traces forward and backward, without generating code
compiled_f = torch.compile(f, backend="aot_eager")
compiled = compiled_f(x)  # one node for the whole traced backward
print("compiled:", chain(compiled.grad_fn))

(eager_grad,) = torch.autograd.grad(eager, x)
(compiled_grad,) = torch.autograd.grad(compiled, x)
print("same gradient:", torch.allclose(eager_grad, compiled_grad), [round(g, 4) for g in eager_grad.tolist()])
