"""docs/misconceptions.md: each snippet computes what the page says, on every device."""

import pytest
import torch


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














def test_to_device_leaf(run_snippet, device):
    ns = run_snippet("misconceptions/to_device_leaf.py")
    assert ns.x.device.type == device and ns.z.device.type == device
    assert ns.x.is_leaf == (device == "cpu")  # .to("cuda") is a recorded copy
    assert not ns.y.is_leaf and ns.y.dtype == torch.float64
    assert ns.y.grad_fn.name() == "ToCopyBackward0"
    assert ns.z.is_leaf and ns.z.requires_grad


def test_zero_vs_no_grad(run_snippet, device):
    ns = run_snippet("misconceptions/zero_vs_no_grad.py")
    assert ns.w.device.type == device
    x, y, lr = 1.0, 2.0, 0.01
    g0 = 2 * (1.0 * x - y) * x  # dloss/dw at w = 1
    w1 = 1.0 - lr * g0
    lines = ns.out.splitlines()
    assert lines[0].endswith(repr(torch.tensor(g0, device=device)))
    assert lines[2].endswith(repr(torch.tensor(g0, device=device)))  # no_grad did not reset it
    assert lines[3].endswith(repr(torch.zeros((), device=device)))  # zero_()
    assert lines[4].endswith("None")  # w.grad = None
    assert f"w = {round(w1, 4)} " in lines[1]
    # the update was not recorded: w is still the leaf it was
    assert ns.w.is_leaf and ns.w.grad_fn is None and ns.w.requires_grad
    assert ns.w.item() == pytest.approx(w1)
    # after the reset, the next gradient is that step's own
    assert ns.w.grad.item() == pytest.approx(2 * (w1 * x - y) * x)


def test_compile_graphs(run_snippet, device):
    try:
        ns = run_snippet("misconceptions/compile_graphs.py")
        assert ns.x.device.type == device
        assert ns.report.graph_count == 2
        assert ns.report.graph_break_count == len(ns.report.break_reasons) == 1
        assert ns.report.break_reasons[0].user_stack[-1].line == "if x.sum() > 0:"
        assert len(ns.report.graphs) == 2
        # eager mode records what each call ran; compiled, one node per graph
        assert ns.f(ns.x).grad_fn.name() == "MulBackward0"
        assert ns.f(-ns.x).grad_fn.name() == "SinBackward0"
        assert ns.y.grad_fn.name() == "CompiledFunctionBackward"
        assert ns.x.grad.tolist() == pytest.approx((2 * ns.x.detach()).tolist())  # d(sum x*x)/dx
    finally:
        torch._dynamo.reset()


def test_what_is_recorded(run_snippet, device):
    ns = run_snippet("misconceptions/what_is_recorded.py")
    assert ns.data.device.type == ns.w.device.type == device
    for created in (ns.data, ns.w, ns.like):
        assert created.grad_fn is None and created.is_leaf
    assert ns.w.requires_grad and not ns.like.requires_grad and not ns.data.requires_grad
    assert ns.plain.grad_fn is None and not ns.plain.requires_grad
    assert ns.node(ns.result) == "SumBackward0" and type(ns.mul).__name__ == "MulBackward0"
    assert ns.inputs == [None, "AccumulateGrad"]
    assert ns.mul.next_functions[1][0].variable is ns.w
    assert "under no_grad: None" in ns.out
    assert ns.node(ns.layer(ns.data)) == "AddmmBackward0"
    assert all(p.is_leaf and p.requires_grad for p in ns.layer.parameters())


def test_legacy_tensor_raises(run_snippet, device, capsys):
    with pytest.raises(TypeError, match="requires_grad"):
        run_snippet("misconceptions/legacy_tensor.py")
    lines = capsys.readouterr().out.splitlines()
    assert f"{torch.get_default_dtype()}  requires_grad: False" in lines[0]
    assert lines[1] == f"torch.Tensor(3).shape: {tuple(torch.Tensor(3).shape)}  torch.tensor(3).shape: ()"
    assert torch.Tensor(3).shape == (3,) and torch.tensor(3).shape == ()
    assert lines[2].endswith(str(torch.tensor([1, 2, 3]).dtype))
    assert "leaf: True  requires_grad: True" in lines[3]
