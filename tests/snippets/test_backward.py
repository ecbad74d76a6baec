"""docs/backward.md: what each snippet computes, on every device."""

import math

import pytest
import torch


def test_chain_rule(run_snippet, device):
    ns = run_snippet("backward/chain_rule.py")
    expected = math.cos(1.5**2) * 2 * 1.5
    assert ns.x.device.type == device
    assert ns.x.grad.item() == pytest.approx(expected, rel=1e-6)
    assert ns.by_hand == pytest.approx(expected, rel=1e-12)
    assert ns.y.grad_fn is not None and ns.w.grad_fn is not None


def test_ols_step(run_snippet, device):
    ns = run_snippet("backward/ols_step.py")
    assert ns.w.device.type == device
    assert ns.loss.item() == 1.0
    assert "dloss/dw: -2.0\n" in ns.out
    assert ns.w.item() == pytest.approx(1.02)
    assert ns.w.grad is None
    assert ns.w.is_leaf and ns.w.requires_grad


def test_ols_loop_converges_to_two(run_snippet, device):
    ns = run_snippet("backward/ols_loop.py")
    assert abs(ns.w.item() - 2.0) < 1e-3
    # each step shrinks the error by 0.98: (0.98 ** n) <= 5e-4 first at n = 377
    assert ns.step == math.ceil(math.log(5e-4) / math.log(0.98))
    assert ns.out.splitlines()[1].startswith("step   1  w = 1.0200")


def test_accumulation(run_snippet, device):
    ns = run_snippet("backward/accumulation.py")
    lines = [float(line.split(":")[1].split()[0]) for line in ns.out.splitlines()]
    assert lines == [6.0, 12.0, 6.0]
    assert ns.w.grad.item() == 6.0
    assert ns.w.grad.device.type == device


def test_module_step(run_snippet, device):
    ns = run_snippet("backward/module_step.py")
    assert next(ns.model.parameters()).device.type == device
    losses = [float(line.split("=")[1]) for line in ns.out.splitlines() if line.startswith("step")]
    assert len(losses) == 3 and losses[2] < losses[0]
    assert all(p.grad is None for p in ns.model.parameters())  # zero_grad sets None since 2.0
    # the step really moved the parameters: re-evaluating gives a lower loss than the first step
    with torch.no_grad():
        assert ns.loss_fn(ns.model(ns.inputs), ns.targets).item() < losses[0]
