"""docs/forward_mode.md: forward-mode products, pass counts and Hessian-vector products, recomputed here."""

import pytest
import torch
from torch import nn
from torch.func import functional_call


def test_forward_ad(run_snippet, device):
    ns = run_snippet("forward_mode/forward_ad.py")
    assert ns.x.device.type == device
    J = torch.autograd.functional.jacobian(ns.f, ns.x)
    assert torch.allclose(ns.Jv, J @ ns.v, atol=1e-6)
    assert torch.allclose(ns.JTu, ns.u @ J, atol=1e-6)
    assert torch.allclose(ns.y, ns.f(ns.x))
    lines = ns.out.splitlines()
    assert lines[0].endswith(": 0") and not lines[1].endswith(": 0")
    assert lines[2] == "after the level: tangent = None"
    a, b = (float(line.split("=")[1]) for line in lines[4:6])
    assert a == pytest.approx(b, abs=2e-6)
    assert "False" not in ns.out


def test_forward_ad_module(run_snippet, device):
    ns = run_snippet("forward_mode/forward_ad_module.py")
    params = {n: p.detach().clone().requires_grad_() for n, p in ns.model.named_parameters()}
    loss = nn.functional.mse_loss(functional_call(ns.model, params, (ns.inputs,)), ns.targets)
    grads = torch.autograd.grad(loss, list(params.values()))
    expected = sum((g * ns.direction[n]).sum() for n, g in zip(params, grads))
    assert ns.slope.item() == pytest.approx(expected.item(), rel=1e-5, abs=1e-6)
    assert ns.loss.item() == pytest.approx(loss.item(), rel=1e-6)
    assert ns.n_params == 4 * 8 + 8 + 8 * 1 + 1
    assert "False" not in ns.out


def test_count_passes(run_snippet, device):
    ns = run_snippet("forward_mode/count_passes.py")
    rows = ns.out.splitlines()[1:]
    assert len(rows) == 3
    for row, (n, m) in zip(rows, [(100, 1), (1, 100), (20, 20)]):
        _, fwd, rev, same = (cell.strip() for cell in row.split("|"))
        assert fwd == f"{n} forward,   0 backward"
        assert rev == f"1 forward, {m:3d} backward"
        assert same == "True"
    # the last Jacobian built equals jacfwd of the last f
    J = ns.jacobians[1]
    assert J.shape == (20, 20) and J.device.type == device
    assert torch.allclose(J, torch.func.jacrev(ns.f)(ns.x), atol=1e-6)


def test_hvp_two_ways(run_snippet, device):
    ns = run_snippet("forward_mode/hvp_two_ways.py")
    assert ns.x.device.type == device
    H = torch.autograd.functional.hessian(ns.f, ns.x)
    assert torch.allclose(ns.Hv_rr, H @ ns.v, atol=1e-5) and torch.allclose(ns.Hv_fr, H @ ns.v, atol=1e-5)
    assert ns.g.grad_fn is not None  # create_graph recorded the first backward
    # the big case, against a few Hessian-vector products taken the tape way on a slice
    x = ns.big[:50].detach().requires_grad_()
    (g,) = torch.autograd.grad(ns.chain(x), x, create_graph=True)
    (hw,) = torch.autograd.grad(g @ ns.w[:50], x)
    assert torch.allclose(hw[:-1], ns.Hw[:49], atol=1e-4)  # the last entry also couples to big[50]
    assert ns.Hw.shape == (1_000_000,)
    assert "False" not in ns.out
