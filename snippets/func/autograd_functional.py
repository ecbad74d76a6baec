import torch
import torch.autograd.functional as AF
from torch.func import grad, hessian, jacfwd, jacrev, jvp, vjp

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
W = torch.randn(3, 4, device=device)


def f(x):  # R^4 -> R^3
    return torch.sin(W @ x)


def loss(x):  # R^4 -> R
    return (f(x) ** 2).sum() + x.norm() ** 3


x, v = torch.randn(4, device=device), torch.randn(4, device=device)

print("jacobian:", torch.allclose(AF.jacobian(f, x), jacrev(f)(x)))
forward_mode = AF.jacobian(f, x, vectorize=True, strategy="forward-mode")
print("jacobian, strategy='forward-mode':", torch.allclose(forward_mode, jacfwd(f)(x)))
print("hessian: ", torch.allclose(AF.hessian(loss, x), hessian(loss)(x)))

# hvp = H v and vhp = v^T H; both return (loss(x), product).
value, Hv = AF.hvp(loss, x, v)
_, vH = AF.vhp(loss, x, v)
Hv_func = jvp(grad(loss), (x,), (v,))[1]  # forward-over-reverse
vH_func = vjp(grad(loss), x)[1](v)[0]  # reverse-over-reverse
print("hvp:", torch.allclose(Hv, Hv_func), " vhp:", torch.allclose(vH, vH_func), " value:", torch.allclose(value, loss(x)))
print("H symmetric, so hvp == vhp:", torch.allclose(Hv, vH))

# The old API takes a tuple of inputs and returns nested tuples of blocks.
A, B = torch.randn(2, 3, device=device), torch.randn(3, device=device)
blocks = AF.jacobian(lambda a, b: a @ b, (A, B))
print("jacobian w.r.t. (A, B):", [tuple(t.shape) for t in blocks])
print("== jacrev(argnums=(0, 1)):", all(torch.allclose(s, t) for s, t in zip(blocks, jacrev(lambda a, b: a @ b, argnums=(0, 1))(A, B))))
