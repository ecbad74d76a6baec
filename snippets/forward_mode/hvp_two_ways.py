import torch
from torch.func import grad, hessian, jvp

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
A = torch.randn(6, 6, device=device)


def f(x):  # R^6 -> R
    return torch.log1p((A @ x) ** 2).sum() + (x**4).sum() / 4


x, v = torch.randn(6, device=device), torch.randn(6, device=device)
H = hessian(f)(x)  # the full 6 x 6 matrix, for reference

# 1. Reverse over reverse: differentiate (grad f) . v, recording the first backward.
x_leaf = x.clone().requires_grad_()
(g,) = torch.autograd.grad(f(x_leaf), x_leaf, create_graph=True)  # g has a grad_fn
(Hv_rr,) = torch.autograd.grad(g @ v, x_leaf)  # d/dx (g . v) = H v, H symmetric

# 2. Forward over reverse: push the direction v through the function grad(f).
_, Hv_fr = jvp(grad(f), (x,), (v,))

print("H @ v:                ", [round(t, 4) for t in (H @ v).tolist()])
print("reverse over reverse: ", [round(t, 4) for t in Hv_rr.tolist()])
print("forward over reverse: ", [round(t, 4) for t in Hv_fr.tolist()])
print("all equal:", torch.allclose(Hv_rr, H @ v, atol=1e-5), torch.allclose(Hv_fr, H @ v, atol=1e-5))

# Neither way builds H. At n = 1,000,000, H would hold 10^12 numbers; H v holds n.
def chain(x):
    return (x**4).sum() / 4 + (x[:-1] * x[1:]).sum()


big, w = torch.randn(1_000_000, device=device), torch.randn(1_000_000, device=device)
Hw = jvp(grad(chain), (big,), (w,))[1]
by_hand = 3 * big**2 * w + torch.cat([w[1:], w.new_zeros(1)]) + torch.cat([w.new_zeros(1), w[:-1]])
print("n = 1,000,000:", tuple(Hw.shape), "== by hand:", torch.allclose(Hw, by_hand, atol=1e-4))
