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


def test_second_backward_without_retain_graph_fails(run_snippet, device):
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        run_snippet("backward/retain_graph_error.py")


def test_retain_graph_allows_second_backward(run_snippet, device):
    ns = run_snippet("backward/retain_graph.py")
    assert ns.x.grad.device.type == device
    assert ns.x.grad.item() == 2 * (2 * 3.0)  # d(x**2)/dx = 2x, accumulated twice
    assert "first backward:  6.0" in ns.out


def test_higher_order_with_create_graph(run_snippet, device):
    ns = run_snippet("backward/higher_order.py")
    x = ns.x.item()
    assert ns.dy_dx.item() == pytest.approx(3 * x**2)
    assert ns.d2y_dx2.item() == pytest.approx(6 * x)
    assert ns.dy_dx.grad_fn is not None and ns.dy_dx.requires_grad
    assert ns.d2y_dx2.grad_fn is None  # the second call had no create_graph
    assert ns.again.item() == pytest.approx(3 * x**2)  # y's graph survived create_graph=True
    assert ns.plain.grad_fn is None and not ns.plain.requires_grad
    assert ns.x.grad is None  # torch.autograd.grad returns its results instead of accumulating
    assert ns.d2y_dx2.device.type == device


def test_retain_graph_is_not_create_graph(run_snippet, device):
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        run_snippet("backward/retain_graph_not_enough.py")


def test_nan_gradient_through_where(run_snippet, device):
    ns = run_snippet("backward/nan_gradient.py")
    assert ns.loss.item() == 2.0  # sqrt(4) + 0: the forward pass is finite
    assert ns.x.grad.device.type == device
    first, second = ns.out.splitlines()[1:3]
    assert first == "x.grad: [0.25, nan]"  # 1 / (2 * sqrt(4)) and 0 * inf
    assert ns.x.grad.tolist() == [1 / (2 * math.sqrt(4.0)), 0.0]  # after the fix
    assert second == "x.grad with the fix: [0.25, 0.0]"


def test_anomaly_mode_names_the_function(run_snippet, device):
    with pytest.raises(RuntimeError, match=r"Function 'SqrtBackward0' returned nan values in its 0th output\."):
        run_snippet("backward/anomaly_mode.py")
    assert not torch.is_anomaly_enabled()


def test_anomaly_mode_warning_points_at_the_forward_line(run_snippet, device):
    # The warning shown on the page holds the traceback of the forward call that created SqrtBackward0.
    with pytest.warns(UserWarning) as caught, pytest.raises(RuntimeError, match="SqrtBackward0"):
        run_snippet("backward/anomaly_mode.py")
    messages = [str(w.message) for w in caught]
    assert any(m.startswith("Anomaly Detection has been enabled") and "increase the runtime" in m for m in messages)
    (trace,) = [m for m in messages if m.startswith("Error detected in SqrtBackward0")]
    assert 'anomaly_mode.py", line 10' in trace
    assert "y = torch.where(x > 0, torch.sqrt(x), torch.zeros_like(x))" in trace


def test_clip_grad_norm(run_snippet, device):
    ns = run_snippet("backward/clip_grad_norm.py")
    params = list(ns.model.parameters())
    assert params[0].grad.device.type == device
    clipped = torch.linalg.vector_norm(torch.cat([p.grad.flatten() for p in params]))
    assert clipped.item() == pytest.approx(ns.max_norm, rel=1e-5)
    assert ns.total_after.item() == pytest.approx(ns.max_norm, rel=1e-5)
    # recompute the unclipped gradients from scratch: same norm as the one returned
    ns.model.zero_grad()
    torch.nn.functional.mse_loss(ns.model(ns.inputs), ns.targets).backward()
    fresh = [p.grad for p in ns.model.parameters()]
    norm = torch.linalg.vector_norm(torch.cat([g.flatten() for g in fresh])).item()
    assert ns.total_before.item() == pytest.approx(norm, rel=1e-5)
    assert norm > 100 * ns.max_norm  # the loss really made the gradients large
    assert all(torch.allclose(g, f) for g, f in zip(ns.grads, fresh))
    assert ns.same_direction is True


def test_vanishing_and_exploding(run_snippet, device):
    ns = run_snippet("backward/vanishing_exploding.py")
    assert ns.x.device.type == device
    sigmoid, linear, relu = (ns.norms[k] for k in ("sigmoid", "linear, weights x2", "relu, He init"))
    # at the last layer the gradient of out.sum() is all ones: norm sqrt(16 * 64)
    for norms in (sigmoid, linear, relu):
        assert len(norms) == 30
        assert norms[-1] == pytest.approx(math.sqrt(16 * 64))
    shown = [k - 1 for k in ns.shown]
    assert all(sigmoid[a] < sigmoid[b] for a, b in zip(shown, shown[1:]))  # shrinks going back
    assert sigmoid[0] < 1e-12
    assert all(linear[a] > linear[b] for a, b in zip(shown, shown[1:]))  # grows going back
    assert linear[0] > 1e7 * linear[-1]
    assert max(relu) < 10 * min(relu)  # stays in range
    assert f"{linear[0]:11.3e}" in ns.out and f"{sigmoid[0]:11.3e}" in ns.out


def test_gradient_checkpointing(run_snippet, device):
    ns = run_snippet("backward/grad_checkpoint.py")
    assert ns.x.device.type == device and ns.checkpointed.device.type == device
    hidden = (8, 64)  # the activations between the layers
    assert hidden in ns.saved_plain
    assert hidden not in ns.saved_checkpointed
    assert len(ns.saved_checkpointed) < len(ns.saved_plain)
    assert len(ns.runs) == 3  # the checkpointed block ran a second time, inside backward
    # gradients computed here, without checkpointing, match the checkpointed ones
    expected = torch.autograd.grad(ns.block(ns.x).sum(), ns.inputs)
    assert len(expected) == len(ns.grads_checkpointed)
    for e, g in zip(expected, ns.grads_checkpointed):
        assert torch.allclose(e, g)
    assert "same gradients: True" in ns.out.splitlines()


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
