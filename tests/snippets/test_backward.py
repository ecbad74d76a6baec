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


def test_nonscalar_backward_needs_gradient(run_snippet, device):
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        run_snippet("backward/nonscalar_error.py")


def test_vjp_matches_jacobian(run_snippet, device):
    ns = run_snippet("backward/vjp.py")
    x0, x1, _ = ns.x.tolist()
    # f(x) = [x0*x1, x1**2 + 3*x2]: its Jacobian by hand
    expected_J = torch.tensor([[x1, x0, 0.0], [0.0, 2 * x1, 3.0]])
    v = ns.v.cpu()
    assert ns.J.shape == (2, 3) and ns.J.device.type == device
    assert torch.allclose(ns.J.cpu(), expected_J)
    assert ns.x.grad.device.type == device
    assert torch.allclose(ns.x.grad.cpu(), v @ expected_J)
    assert ns.x.grad.tolist() == [2.0, 41.0, 30.0]
    assert ns.out.splitlines()[-1] == "same: True"
    assert ns.jacrev is torch.func.jacrev  # the API func.md recommends, not torch.autograd.functional


def test_second_backward_fails_only_where_tensors_were_saved(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        run_snippet("backward/retain_graph_error.py")
    lines = capsys.readouterr().out.splitlines()
    # x + 1 saves nothing: both backwards ran and added d(x + 1)/dx = 1 twice
    assert lines[0] == "x + 1, two backwards: x.grad = 2.0 (1 + 1)"
    assert lines[1].startswith("x * 2 saved for backward: tensor(2")  # the 2, as a tensor
    assert lines[2].endswith("x.grad = 2.0")
    assert len(lines) == 3  # the second backward of x * 2 raised before printing anything
    # independently: AddBackward0 keeps no tensor, MulBackward0 keeps the factor
    x = torch.tensor(3.0, device=device, requires_grad=True)
    assert not any(a.startswith("_saved_") and isinstance(getattr((x + 1).grad_fn, a), torch.Tensor)
                   for a in dir((x + 1).grad_fn))
    assert (x * 2).grad_fn._saved_other.item() == 2


def test_retain_graph_allows_second_backward(run_snippet, device):
    ns = run_snippet("backward/retain_graph.py")
    assert ns.x.grad.device.type == device
    assert ns.x.grad.item() == 2 * (2 * 3.0)  # d(x**2)/dx = 2x, accumulated twice
    assert "first backward:  6.0" in ns.out


def test_step_order(run_snippet, device):
    ns = run_snippet("backward/step_order.py")
    assert ns.start.weight.device.type == device
    lines = ns.out.splitlines()
    assert [line.split()[1] for line in lines] == ["after", "after", "between"]
    assert "True   weights moved: True" in lines[0] and "True   weights moved: True" in lines[1]
    assert "False  weights moved: False" in lines[2]
    # recompute "first" by hand: plain SGD with momentum 0.9, five steps
    w, b = ns.start.weight.detach().clone(), ns.start.bias.detach().clone()
    vw, vb = torch.zeros_like(w), torch.zeros_like(b)
    for i in range(5):
        w.requires_grad_(), b.requires_grad_()
        loss = ((ns.inputs @ w.T + b - ns.targets) ** 2).mean()
        gw, gb = torch.autograd.grad(loss, (w, b))
        with torch.no_grad():
            vw, vb = (gw, gb) if i == 0 else (0.9 * vw + gw, 0.9 * vb + gb)
            w, b = w - 0.1 * vw, b - 0.1 * vb
    assert torch.allclose(ns.reference, w, atol=1e-6)
    assert not torch.allclose(w, ns.start.weight)


def test_ols_loss_curve(run_snippet, device, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    ns = run_snippet("backward/ols_loss_curve.py")
    assert len(ns.losses) == len(ns.weights) == 400
    # each step shrinks the error (w - 2) by 0.98, so the loss by 0.98**2
    assert ns.losses[1] / ns.losses[0] == pytest.approx(0.98**2, rel=1e-5)
    assert ns.weights[-1] == pytest.approx(2 - 0.98**399, rel=1e-4)
    assert len(shown) == 1 and len(shown[0].axes) == 2
    assert shown[0].axes[0].get_yscale() == "log"
    plt.close("all")
