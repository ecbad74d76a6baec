from collections import Counter

import torch
import torch.autograd.forward_ad as fwAD

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
passes = Counter()


def jacobian_by_jvps(f, x):  # column j of J is J e_j: one forward pass per INPUT
    columns = []
    for e in torch.eye(x.numel(), device=device):
        with fwAD.dual_level():
            columns.append(fwAD.unpack_dual(f(fwAD.make_dual(x, e))).tangent)
    return torch.stack(columns, dim=1)


def jacobian_by_vjps(f, x):  # row i of J is e_i^T J: one backward pass per OUTPUT
    x = x.clone().requires_grad_()
    x.register_hook(lambda g: passes.update(["backward"]))  # runs once per backward pass
    y = f(x)
    rows = [torch.autograd.grad(y, x, e, retain_graph=True)[0] for e in torch.eye(y.numel(), device=device)]
    return torch.stack(rows)


print(f"{'n -> m':>10} | {'forward mode (JVPs)':25} | {'reverse mode (VJPs)':25} | same J")
for n, m in [(100, 1), (1, 100), (20, 20)]:
    W = torch.randn(m, n, device=device)
    x = torch.randn(n, device=device)
    def f(x):
        passes["forward"] += 1  # counts every evaluation of f
        return torch.sin(W @ x)

    row, jacobians = f"{n:3d} -> {m:3d}", []
    for build in (jacobian_by_jvps, jacobian_by_vjps):
        passes.clear()
        jacobians.append(build(f, x))
        row += f" | {passes['forward']:3d} forward, {passes['backward']:3d} backward"
    print(row, "|", torch.allclose(*jacobians, atol=1e-6))
