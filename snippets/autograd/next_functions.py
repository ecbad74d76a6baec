import math

import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

a = torch.tensor(2.0, device=device, requires_grad=True)
b = torch.tensor(3.0, device=device, requires_grad=True)
c = torch.tensor(4.0, device=device)  # data, no grad

z = torch.sin(a * b) + a * c


def show(node, depth=0):
    """Print a backward node, then walk towards the inputs through next_functions."""
    if node is None:  # an input that does not require grad: no node at all
        print("    " * depth + "None")
        return
    print("    " * depth + type(node).__name__)
    for next_node, _ in node.next_functions:  # (node, which of its outputs)
        show(next_node, depth + 1)


show(z.grad_fn)

# `a` is used twice; both paths end in the very same AccumulateGrad node.
acc_a = z.grad_fn.next_functions[0][0].next_functions[0][0].next_functions[0][0]
print("acc_a.variable is a:", acc_a.variable is a)
print("same node on both paths:", acc_a is z.grad_fn.next_functions[1][0].next_functions[0][0])

z.backward()  # the two contributions are added in a.grad
print(f"a.grad = {a.grad.item():.6f}")
print(f"b*cos(a*b) + c = {3 * math.cos(6) + 4:.6f}")
