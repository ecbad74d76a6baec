import torch
import torch.autograd.forward_ad as fwAD

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
W = torch.randn(2, 3, device=device)
x, v, u = torch.randn(3, device=device), torch.randn(3, device=device), torch.randn(2, device=device)


def f(x):  # R^3 -> R^2
    return torch.tanh(W @ x) * x.sum()


saved = []  # every tensor autograd keeps for a backward pass
with torch.autograd.graph.saved_tensors_hooks(lambda t: saved.append(t) or t, lambda t: t):
    with fwAD.dual_level():
        dual_x = fwAD.make_dual(x, v)  # x carrying the tangent v (an input direction)
        out = f(dual_x)  # every operation computes its value and its tangent
        y, Jv = fwAD.unpack_dual(out)  # primal f(x) and tangent J v, from one pass
    print("forward mode: tensors saved for a backward pass:", len(saved))
    x_leaf = x.clone().requires_grad_()
    y_rev = f(x_leaf)  # reverse mode records the graph and saves tensors
    print("reverse mode: tensors saved for a backward pass:", len(saved))

print("after the level: tangent =", fwAD.unpack_dual(out).tangent)
print("primal == f(x):", torch.allclose(y, f(x)), " Jv shape:", tuple(Jv.shape))

# Reverse mode gives the other product, J^T u, for output weights u.
(JTu,) = torch.autograd.grad(y_rev, x_leaf, grad_outputs=u)

# Both are products with the same J: u^T (J v) == (J^T u)^T v.
print("u . (J v)   =", round(torch.dot(u, Jv).item(), 6))
print("(J^T u) . v =", round(torch.dot(JTu, v).item(), 6))
print("equal:", torch.allclose(torch.dot(u, Jv), torch.dot(JTu, v)))
print("== torch.func.jvp:", torch.allclose(Jv, torch.func.jvp(f, (x,), (v,))[1]))
