"""docs/backward_options.md: create_graph, inputs=, allow_unused and is_grads_batched, on every device."""

import pytest
import torch


def test_higher_order_with_create_graph(run_snippet, device):
    ns = run_snippet("backward_options/higher_order.py")
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
        run_snippet("backward_options/retain_graph_not_enough.py")


def test_grad_inputs(run_snippet, device):
    ns = run_snippet("backward_options/grad_inputs.py")
    assert ns.w.device.type == device
    assert ns.grad_b.item() == 1.0
    # backward(inputs=[w]) and the last backward() went through w's branch; grad(inputs=[b]) did not
    assert ns.calls == ["w's branch", "w's branch"]
    assert "calls: []  b.grad: None" in ns.out.splitlines()[0]
    assert "w.grad: [3.0, 4.0]  b.grad: None" in ns.out.splitlines()[1]
    assert ns.w.grad.tolist() == (2 * ns.x).tolist()  # accumulated twice
    assert ns.b.grad.item() == 1.0


def test_grad_unused_error(run_snippet, device):
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        run_snippet("backward_options/grad_unused_error.py")


def test_grad_allow_unused(run_snippet, device):
    ns = run_snippet("backward_options/grad_allow_unused.py")
    assert ns.grads[1].device.type == device
    assert torch.equal(ns.grads[0], 2 * ns.w.detach())
    assert torch.equal(ns.grads[1], torch.zeros_like(ns.unused))
    lines = ns.out.splitlines()
    assert lines[0].endswith("[[2.0, 4.0], None]")
    assert lines[1].endswith("[[2.0, 4.0], 0.0]")


def test_grad_batched(run_snippet, device):
    ns = run_snippet("backward_options/grad_batched.py")
    x0, x1, _ = ns.x.tolist()
    J = torch.tensor([[x1, x0, 0.0], [0.0, 2 * x1, 3.0]], device=device)
    assert ns.rows.shape == (3, 3) and ns.rows.device.type == device
    assert torch.allclose(ns.rows, ns.v @ J)
    assert ns.rows[2].tolist() == [2.0, 41.0, 30.0]
    assert ns.out.splitlines()[-1] == "same as J: True"
