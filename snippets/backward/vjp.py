import torch
from torch.func import jacrev

device = "cuda" if torch.cuda.is_available() else "cpu"


def f(x):  # 3 inputs -> 2 outputs
    return torch.stack([x[0] * x[1], x[1] ** 2 + 3 * x[2]])


x = torch.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
v = torch.tensor([1.0, 10.0], device=device)  # one weight per output

y = f(x)
y.backward(gradient=v)  # fills x.grad with v^T J, without ever building J
print("x.grad (v^T J):  ", x.grad.tolist())

J = jacrev(f)(x)  # the full 2 x 3 Jacobian, for comparison
print("J:", J.tolist())
print("v @ J:           ", (v @ J).tolist())
print("same:", torch.allclose(x.grad, v @ J))
