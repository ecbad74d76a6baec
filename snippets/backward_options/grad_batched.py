import torch
from torch.func import jacrev

device = "cuda" if torch.cuda.is_available() else "cpu"


def f(x):  # 3 inputs -> 2 outputs
    return torch.stack([x[0] * x[1], x[1] ** 2 + 3 * x[2]])


x = torch.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
y = f(x)

# Each row of v is one vector v_i; is_grads_batched=True computes every v_i^T J
# in one call (vectorized with vmap) instead of one backward per row.
v = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 10.0]], device=device)
(rows,) = torch.autograd.grad(y, x, grad_outputs=v, is_grads_batched=True)
print("v_i^T J, one row per v_i:", rows.tolist())

# The first two v_i are the rows of the identity: together they give J itself.
print("same as J:", torch.allclose(rows[:2], jacrev(f)(x)))
