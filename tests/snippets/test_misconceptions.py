"""docs/misconceptions.md: each snippet computes what the page says, on every device."""

import math

import pytest
import torch
from torch.autograd.gradcheck import GradcheckError


def test_no_zero_grad(run_snippet, device):
    ns = run_snippet("misconceptions/no_zero_grad.py")
    assert ns.w.device.type == device
    # Replay both loops with plain floats: loss = (w - 2)**2, lr = 0.1.
    for clear in (True, False):
        w, total = 1.0, 0.0
        for seen_w, true_grad, used_grad in ns.history[clear]:
            assert seen_w == pytest.approx(w, abs=1e-6)
            assert true_grad == pytest.approx(2 * (w - 2), abs=1e-5)
            total = (0.0 if clear else total) + 2 * (w - 2)
            assert used_grad == pytest.approx(total, abs=1e-5)
            w -= 0.1 * total
    cleared, kept = ns.history[True], ns.history[False]
    assert all(used == pytest.approx(true, abs=1e-6) for _, true, used in cleared)
    assert abs(kept[-1][2]) > abs(kept[0][2])  # the stale gradient keeps growing
    assert ns.w.item() > 2.0  # and the weight overshoots the minimum at 2


def test_dynamic_graph(run_snippet, device):
    ns = run_snippet("misconceptions/dynamic_graph.py")
    assert ns.x.device.type == device
    assert ns.grad_fns == ["MulBackward0", "SinBackward0"]
    assert ns.grads[0] == pytest.approx([2.0, 4.0])
    assert ns.grads[1] == pytest.approx([math.cos(-1.0), math.cos(-2.0)], rel=1e-6)


def test_backward_order(run_snippet, device):
    ns = run_snippet("misconceptions/backward_order.py")
    assert ns.arrivals == ["loss", "b", "a", "x", "x.grad"]
    assert ns.x.grad.device.type == device
    expected = [3 * math.exp(3 * v) for v in (1.0, 2.0)]
    assert ns.x.grad.tolist() == pytest.approx(expected, rel=1e-5)
    lines = ns.out.splitlines()
    assert lines[0] == "gradient reaches loss  [1.0]"
    assert lines[-1] == "order: loss -> b -> a -> x -> x.grad"


def test_scalar_example(run_snippet, device):
    ns = run_snippet("misconceptions/scalar_example.py")
    assert ns.x.device.type == device
    x0, w0, b0 = ns.before["x"], ns.before["w"], ns.before["b"]
    g = 2 * (x0 * w0 + b0 - 2)
    assert ns.by_hand == pytest.approx({"x": g * w0, "w": g * x0, "b": g}, rel=1e-5)
    for line in ns.out.splitlines()[:3]:
        autograd_value, hand_value = float(line.split()[2]), float(line.split()[5])
        assert autograd_value == pytest.approx(hand_value, abs=2e-4)
    # one SGD step with lr 0.01 moved every tensor, the input x included
    assert ns.x.item() == pytest.approx(x0 - 0.01 * g * w0, rel=1e-5)
    assert ns.w.item() == pytest.approx(w0 - 0.01 * g * x0, rel=1e-5)
    assert ns.b.item() == pytest.approx(b0 - 0.01 * g, rel=1e-5)
    assert ns.x.grad is None and ns.w.grad is None and ns.b.grad is None


def test_mm_vector_raises(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="self must be a matrix"):
        run_snippet("misconceptions/mm_vector.py")
    assert "x: (2,) with 1 dimension" in capsys.readouterr().out


def test_int_target(run_snippet, device):
    with pytest.warns(UserWarning, match="different to the input size"):
        ns = run_snippet("misconceptions/int_target.py")
    assert ns.target.dtype == torch.int64 and ns.target.device.type == device
    assert ns.y.shape == (2, 1)
    assert ns.diff.dtype == torch.float32 and ns.diff.shape == (2, 2)
    y, t = ns.y.detach().squeeze(1).tolist(), [3.0, 5.0]
    every_pair = sum((yi - tj) ** 2 for yi in y for tj in t) / 4
    matching = sum((yi - ti) ** 2 for yi, ti in zip(y, t)) / 2
    assert ns.loss.item() == pytest.approx(every_pair, rel=1e-5)
    assert ns.intended.item() == pytest.approx(matching, rel=1e-5)
    assert ns.loss.item() != pytest.approx(ns.intended.item())


def test_matmul_fixed(run_snippet, device):
    ns = run_snippet("misconceptions/matmul_fixed.py")
    assert ns.x.device.type == device
    assert ns.x.grad.shape == ns.x.shape == (2, 2)
    assert ns.w.grad.shape == ns.w.shape == (2, 1)
    assert ns.w_ok and ns.x_ok
    x, w = ns.x.detach().double().cpu(), ns.w.detach().double().cpu()
    r = x @ w - torch.tensor([[3.0], [5.0]], dtype=torch.float64)
    assert torch.allclose(ns.w.grad.double().cpu(), x.T @ r, rtol=1e-5, atol=1e-5)
    assert torch.allclose(ns.x.grad.double().cpu(), r @ w.T, rtol=1e-5, atol=1e-5)


def test_variable(run_snippet, device):
    ns = run_snippet("misconceptions/variable.py")
    assert type(ns.v) is torch.Tensor and type(ns.p) is torch.Tensor
    assert ns.v.device.type == device
    assert not ns.v.requires_grad
    assert ns.v.untyped_storage().data_ptr() == ns.t.untyped_storage().data_ptr()
    assert ns.p.requires_grad and ns.p.is_leaf and not ns.t.requires_grad
    assert ns.q.requires_grad and ns.q.is_leaf
    assert "isinstance(t, Variable): True" in ns.out


def test_retain_graph_only_raises(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        run_snippet("misconceptions/retain_graph_only.py")
    out = capsys.readouterr().out
    assert "dy/dx = 3x^2 = 12.0" in out
    assert "requires_grad: False  grad_fn: None" in out


def test_create_graph(run_snippet, device):
    ns = run_snippet("misconceptions/create_graph.py")
    assert ns.x.device.type == device
    assert ns.dy_dx.item() == 3 * 2.0**2
    assert ns.dy_dx.requires_grad and ns.dy_dx.grad_fn is not None
    assert ns.d2y_dx2.item() == 6 * 2.0


def test_retain_graph_use_raises_on_third_pass(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        run_snippet("misconceptions/retain_graph_use.py")
    lines = capsys.readouterr().out.splitlines()
    assert float(lines[0].split(":")[1]) == 12.0
    assert float(lines[1].split(":")[1].split()[0]) == 24.0


def test_nonleaf_grad(run_snippet, device):
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        ns = run_snippet("misconceptions/nonleaf_grad.py")
    assert "y.is_leaf: False  y.grad: None" in ns.out
    assert ns.y.grad.tolist() == [4.0, 8.0]  # d(sum y^2)/dy = 2y
    assert ns.x.grad.tolist() == [8.0, 16.0]  # d(sum (2x)^2)/dx = 8x
    assert ns.x.grad.device.type == device


def test_detach_shares(run_snippet, device):
    ns = run_snippet("misconceptions/detach_shares.py")
    assert ns.x.device.type == device
    assert not ns.d.requires_grad
    assert ns.x.tolist() == [100.0, 2.0, 3.0]  # written through d
    assert ns.c.tolist() == [100.0, -1.0, 3.0]  # c changed alone
    assert "d shares x's storage: True" in ns.out
    assert "c shares x's storage: False" in ns.out


def test_eval_mode(run_snippet, device):
    ns = run_snippet("misconceptions/eval_mode.py")
    assert not ns.model.training
    assert next(ns.model.parameters()).device.type == device
    assert ns.output.requires_grad and ns.output.grad_fn is not None
    # d(sum of outputs)/dW[i, j] = sum over the batch of x[:, j], for every row i
    expected = ns.x.sum(0).expand(3, 4)
    assert torch.allclose(ns.model[0].weight.grad, expected)
    assert not ns.frozen.requires_grad and ns.frozen.grad_fn is None  # the no_grad result


def test_to_device_leaf(run_snippet, device):
    ns = run_snippet("misconceptions/to_device_leaf.py")
    assert ns.x.device.type == device and ns.z.device.type == device
    assert ns.x.is_leaf == (device == "cpu")  # .to("cuda") is a recorded copy
    assert not ns.y.is_leaf and ns.y.dtype == torch.float64
    assert ns.y.grad_fn.name() == "ToCopyBackward0"
    assert ns.z.is_leaf and ns.z.requires_grad


def test_gradcheck_float32_raises(run_snippet, device, capsys):
    with pytest.warns(UserWarning, match="not a double precision"):
        with pytest.raises(GradcheckError, match="Jacobian mismatch"):
            run_snippet("misconceptions/gradcheck_float32.py")
    assert "gradcheck(sin) in float64: True" in capsys.readouterr().out
