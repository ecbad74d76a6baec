import torch
from torch.func import hessian, jacfwd, jacrev, vmap

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
W = torch.randn(3, 5, device=device)


def f(x):  # R^5 -> R^3
    return torch.tanh(W @ x)


def energy(x):  # R^5 -> R, a scalar for the Hessian
    return (x**4).sum() + (x[:-1] * x[1:]).sum()


x = torch.randn(5, device=device)
J_rev, J_fwd = jacrev(f)(x), jacfwd(f)(x)
print("Jacobian shape (outputs x inputs):", tuple(J_rev.shape), " jacrev == jacfwd:", torch.allclose(J_rev, J_fwd))

# Tape-based: one backward pass per output, each picking one row of J.
x_leaf = x.clone().requires_grad_()
y = f(x_leaf)
rows = [torch.autograd.grad(y[i], x_leaf, retain_graph=True)[0] for i in range(3)]
print("== rows from torch.autograd.grad:", torch.allclose(J_rev, torch.stack(rows)))
print("== by hand (1 - tanh^2) * W:", torch.allclose(J_rev, (1 - y.detach() ** 2)[:, None] * W))

H = hessian(energy)(x)  # jacfwd(jacrev(energy))
ones = torch.ones(4, device=device)
H_by_hand = torch.diag(12 * x**2) + torch.diag(ones, 1) + torch.diag(ones, -1)
print("Hessian shape:", tuple(H.shape), " == by hand:", torch.allclose(H, H_by_hand))
print("== jacrev(jacrev(energy)):", torch.allclose(H, jacrev(jacrev(energy))(x)))

# A batch of inputs: vmap gives one Jacobian per sample, no Python loop.
xs = torch.randn(8, 5, device=device)
Js = vmap(jacrev(f))(xs)
print("batched Jacobians:", tuple(Js.shape), " == loop:", torch.allclose(Js, torch.stack([jacrev(f)(r) for r in xs])))
