"""docs/func.md: every torch.func result against tape-based autograd, recomputed here."""

from collections import Counter

import pytest
import torch
from torch import nn
from torch.func import functional_call, grad, vmap


def _grad(fn, x):
    """Tape-based gradient of fn(x) with respect to a fresh copy of x."""
    x = x.detach().clone().requires_grad_()
    (g,) = torch.autograd.grad(fn(x), x)
    return g


def test_grad_and_value(run_snippet, device):
    ns = run_snippet("func/grad_and_value.py")
    assert ns.x.device.type == device and not ns.x.requires_grad and ns.x.grad is None
    expected = _grad(lambda t: (torch.sin(t) * t).sum(), ns.x)
    assert torch.allclose(ns.df(ns.x), expected)
    assert torch.allclose(ns.x_leaf.grad, expected)
    assert torch.allclose(ns.g, expected) and torch.allclose(ns.value, (torch.sin(ns.x) * ns.x).sum())
    # d/dw mean((w x + b)^2) = mean(2 (w x + b) x), d/db = mean(2 (w x + b))
    residual = ns.w.detach() * ns.x + ns.b.detach()
    assert torch.allclose(ns.dw, (2 * residual * ns.x).mean()) and torch.allclose(ns.db, (2 * residual).mean())
    assert ns.out.count("True") == 6 and "False" not in ns.out.replace("requires_grad: False", "")


def test_grad_and_value_runs_f_once(device):
    calls = Counter()

    def f(x):
        calls["f"] += 1
        return (x**2).sum()

    torch.func.grad_and_value(f)(torch.ones(3, device=device))
    assert calls["f"] == 1


def test_grad_needs_a_scalar(device):
    with pytest.raises(RuntimeError, match="Expected f\\(\\*args\\) to return a scalar Tensor"):
        grad(lambda x: x * 2)(torch.ones(3, device=device))


def test_vjp_jvp(run_snippet, device):
    ns = run_snippet("func/vjp_jvp.py")
    x0, x1, _ = ns.x.tolist()
    J = torch.tensor([[x1, x0, 0.0], [0.0, 2 * x1, 3.0]], device=device)
    assert torch.equal(ns.J, J)
    assert ns.uJ.tolist() == (ns.u @ J).tolist() == [2.0, 41.0, 30.0]
    assert torch.allclose(ns.tape, ns.uJ)
    assert ns.Jv.tolist() == (J @ ns.v).tolist() == [2.0, -3.0]
    assert ns.second.tolist() == J[1].tolist()
    assert ns.Jv.device.type == device


def test_vjp_fn_does_not_rerun_f(device):
    calls = Counter()

    def f(x):
        calls["f"] += 1
        return x**2

    _, vjp_fn = torch.func.vjp(f, torch.ones(3, device=device))
    vjp_fn(torch.ones(3, device=device))
    vjp_fn(torch.ones(3, device=device))
    assert calls["f"] == 1


def test_jacobians(run_snippet, device):
    ns = run_snippet("func/jacobians.py")
    assert ns.x.device.type == device
    expected = torch.autograd.functional.jacobian(ns.f, ns.x)
    assert ns.J_rev.shape == (3, 5)
    assert torch.allclose(ns.J_rev, expected) and torch.allclose(ns.J_fwd, expected, atol=1e-6)
    assert torch.allclose(ns.H, torch.autograd.functional.hessian(ns.energy, ns.x), atol=1e-5)
    assert ns.Js.shape == (8, 3, 5)
    for J, row in zip(ns.Js, ns.xs):
        assert torch.allclose(J, torch.autograd.functional.jacobian(ns.f, row), atol=1e-6)
    assert "False" not in ns.out


def test_hessian_is_forward_over_reverse(device):
    calls = []

    def f(x):
        calls.append(x)
        return (x**3).sum()

    x = torch.randn(4, device=device)
    H = torch.func.hessian(f)(x)
    assert torch.allclose(H, torch.diag(6 * x))
    assert len(calls) == 1  # one (batched) call of f, not one per row


def _loss(model, inputs, targets):
    return nn.functional.mse_loss(model(inputs), targets)


def test_functional_call(run_snippet, device):
    ns = run_snippet("func/functional_call.py")
    model = ns.model
    assert next(model.parameters()).device.type == device
    model.zero_grad()
    _loss(model, ns.inputs, ns.targets).backward()
    for name, p in model.named_parameters():
        assert torch.allclose(ns.grads[name], p.grad, atol=1e-6)
        assert torch.equal(p.detach(), ns.params[name])  # the module kept its parameters
        assert torch.allclose(ns.new_params[name], p.detach() - 0.1 * p.grad, atol=1e-6)
    before = _loss(model, ns.inputs, ns.targets).item()
    after = nn.functional.mse_loss(functional_call(model, ns.new_params, (ns.inputs,)), ns.targets).item()
    assert after < before
    assert "False" not in ns.out


def test_per_sample_grads(run_snippet, device):
    ns = run_snippet("func/per_sample_grads.py")
    model = ns.model
    assert ns.inputs.device.type == device
    for i in (0, 7, 15):  # a few samples, recomputed with a fresh copy of each parameter
        params = {n: p.detach().clone().requires_grad_() for n, p in model.named_parameters()}
        out = functional_call(model, params, (ns.inputs[i : i + 1],))
        grads = torch.autograd.grad(nn.functional.mse_loss(out, ns.targets[i : i + 1]), list(params.values()))
        for name, g in zip(params, grads):
            assert ns.per_sample[name].shape == (16, *params[name].shape)
            assert torch.allclose(ns.per_sample[name][i], g, atol=1e-6)
    assert "False" not in ns.out


def test_autograd_functional(run_snippet, device):
    ns = run_snippet("func/autograd_functional.py")
    assert ns.x.device.type == device
    H = torch.func.hessian(ns.loss)(ns.x)
    assert torch.allclose(ns.Hv, H @ ns.v, atol=1e-5) and torch.allclose(ns.vH, ns.v @ H, atol=1e-5)
    assert torch.allclose(ns.value, ns.loss(ns.x))
    dA, dB = ns.blocks
    assert dA.shape == (2, 2, 3) and dB.shape == (2, 3)
    assert torch.allclose(dB, ns.A)  # d(A b)/db = A
    assert "False" not in ns.out


def test_autograd_functional_jacobian_one_backward_per_row(device):
    """The page says: without vectorize=True, one autograd.grad call per output row."""
    passes = Counter()
    W = torch.randn(7, 3, device=device)

    def f(x):
        h = W @ x
        h.register_hook(lambda g: passes.update(["backward"]))
        return torch.sin(h)

    torch.autograd.functional.jacobian(f, torch.randn(3, device=device))
    assert passes["backward"] == 7
    passes.clear()
    torch.autograd.functional.jacobian(f, torch.randn(3, device=device), vectorize=True)
    assert passes["backward"] == 1


def test_complex_grad(run_snippet, device):
    ns = run_snippet("func/complex_grad.py")
    assert ns.z.device.type == device
    assert ns.z.grad.item() == 6 + 8j  # 2 z for L = |z|^2
    assert ns.xy.grad.tolist() == [6.0, 8.0]
    assert abs(ns.w.item() - (0.5 - 2j)) < 1e-4
    assert "False" not in ns.out


def test_complex_loss_cannot_backward(device):
    z = torch.tensor(1 + 2j, device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match="only for real scalar outputs"):
        (z * z).backward()


def test_complex_dl_dz_steps_the_wrong_way(device):
    """The page: stepping along dL/dz (the conjugate of PyTorch's convention) goes uphill."""
    z = torch.tensor(3 + 4j, device=device, requires_grad=True)
    (z * z.conj()).real.backward()
    dl_dz = z.grad.conj() / 2
    with torch.no_grad():
        down, other = z - 0.1 * z.grad, z - 0.1 * dl_dz
    assert down.abs() < z.abs()
    assert other.imag.abs() > z.imag.abs()  # the imaginary part moves away from the minimum


def test_vmap_if(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="data-dependent control flow"):
        run_snippet("func/vmap_if.py")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "torch.where under vmap == loop: True"
    # grad follows the branch the first row takes: +1 or -1 everywhere
    torch.manual_seed(0)
    first = torch.randn(4, 3, device=device)[0]
    sign = 1.0 if first.sum() > 0 else -1.0
    assert lines[1].endswith(str([sign] * 3))


def test_vmap_inplace(run_snippet, device, capsys, snippet_globals):
    with pytest.raises(RuntimeError, match="vmap: inplace arithmetic") as excinfo:
        run_snippet("func/vmap_inplace.py")
    assert capsys.readouterr().out.splitlines() == [
        "zeros_like inside, then in place: True",
        "rows: 4 | calls counted: 1.0",  # the unbatched write ran once per vmap call
    ]
    ns = snippet_globals(excinfo, "vmap_inplace.py")
    assert ns["calls"].device.type == device and ns["calls"].item() == 1.0
    assert torch.equal(ns["buffer"], torch.zeros(3, device=device))  # the failed write left it alone
    # the same function in a Python loop counts every row
    for row in ns["batch"]:
        ns["scaled_copy_new"](row)
    assert ns["calls"].item() == 1.0 + len(ns["batch"])


def test_vmap_side_effects_run_once_per_call(device):
    """The page: any side effect runs once per vmap call, a Python list append included."""
    calls = []

    def f(row):
        calls.append(row.shape)
        return 2 * row

    vmap(f)(torch.randn(4, 3, device=device))
    assert calls == [torch.Size([3])]  # one call, and the function saw one sample's shape


def test_vmap_inplace_into_fresh_unbatched_tensor(device):
    """The page: torch.zeros(3) made inside the function is unbatched and fails too."""

    def f(row):
        out = torch.zeros(3, device=device)
        out[:] = 2 * row
        return out

    with pytest.raises(RuntimeError, match="vmap: inplace arithmetic"):
        vmap(f)(torch.randn(4, 3, device=device))


def test_grad_inplace(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="mutate a captured Tensor"):
        run_snippet("func/grad_inplace.py")
    assert capsys.readouterr().out == "f(x) outside a transform: 14.0\n"


def test_item_in_transform(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match=r"vmap: It looks like you're calling \.item\(\)"):
        run_snippet("func/item_in_transform.py")
    assert capsys.readouterr().out.splitlines() == ["grad(f)(3) = 3.0  but d(x^2)/dx at 3 is 6.0"]
