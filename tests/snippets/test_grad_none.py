"""docs/grad_none.md: each reason for a missing gradient, and its fix."""

import pytest
import torch


def test_non_leaf(run_snippet, device):
    with pytest.warns(UserWarning, match="not a leaf Tensor is being accessed"):
        ns = run_snippet("grad_none/non_leaf.py")
    lines = ns.out.splitlines()
    assert lines[0] == "w.is_leaf: False | w.grad_fn: ToCopyBackward0"
    assert lines[1] == "w.grad: None"
    # the two fixes: a leaf of the final dtype on the device, with d(sum 2w)/dw = 2
    assert ns.w.is_leaf and ns.w.dtype == torch.float64 and ns.w.device.type == device
    assert ns.w.grad.tolist() == [2.0, 2.0, 2.0]
    assert lines[2].endswith("w.is_leaf: True | w.grad: [2.0, 2.0, 2.0]")
    assert lines[3].endswith("w.grad: [2.0, 2.0, 2.0]")
    # Module.to keeps the Parameter objects
    assert ns.layer.weight is ns.weight and ns.weight.is_leaf
    assert ns.weight.dtype == torch.float64 and ns.weight.device.type == device


def test_grad_mode_off(run_snippet, device):
    ns = run_snippet("grad_none/grad_mode_off.py")
    lines = ns.out.splitlines()
    assert lines[0] == "inside embed: torch.is_grad_enabled() = False"
    assert lines[1:4] == ["features.requires_grad: False", "backbone.weight.grad: None", "head.weight.grad is None: False"]
    assert lines[4] == "fixed: backbone.weight.grad is None: False"
    # after the fix, the backbone's gradient is the one of the whole model, by autograd on a fresh graph
    assert ns.backbone.weight.grad.device.type == device
    loss = torch.nn.functional.mse_loss(ns.head(torch.relu(ns.backbone(ns.x))), ns.y)
    expected = torch.autograd.grad(loss, ns.backbone.weight)[0]
    assert torch.allclose(ns.backbone.weight.grad, expected, atol=1e-6)
    assert torch.is_grad_enabled()  # the decorator restored grad mode


def test_graph_cut(run_snippet, device):
    ns = run_snippet("grad_none/graph_cut.py")
    cut = list(ns.results.values())
    assert all(not r.requires_grad and r.grad_fn is None for r in cut[:3])
    assert cut[2].dtype == torch.int64 and cut[2].item() == 2  # argmax of [0.3, 1.7, 2.6]
    assert cut[1].tolist() == pytest.approx([0.09, 2.89, 6.76], rel=1e-6)
    assert cut[3].grad_fn.name() == "RoundBackward0"
    assert ns.w.grad.tolist() == [0.0, 0.0, 0.0]  # round's derivative is zero, not None
    assert ns.w.grad.device.type == device
    assert ns.scale.grad is None
    assert ns.out.splitlines()[-1] == "scale.grad, through .item(): None"


def test_graph_cut_fixed(run_snippet, device):
    ns = run_snippet("grad_none/graph_cut_fixed.py")
    w = torch.tensor([0.3, 1.7, 2.6])
    grads = [[float(v) for v in line.split("[")[1].rstrip("]").split(", ")] for line in ns.out.splitlines()]
    assert grads[0] == [1.0, 1.0, 1.0]
    assert grads[1] == pytest.approx((2 * w).tolist(), abs=1e-4)
    assert grads[2] == [0.0, 0.0, 1.0]  # max: all to the largest element
    # soft argmax: d/dw_i sum_j softmax(w)_j j = softmax_i (i - sum_j softmax_j j)
    p = w.softmax(0)
    expected = p * (torch.arange(3.0) - (p * torch.arange(3.0)).sum())
    assert grads[3] == pytest.approx(expected.tolist(), abs=1e-4)
    assert grads[4] == [1.0, 1.0, 1.0]  # straight-through
    assert ns.positions.device.type == device


def test_frozen_unused(run_snippet, device):
    ns = run_snippet("grad_none/frozen_unused.py")
    assert ns.out.splitlines() == [
        "no gradient: encoder.weight  (requires_grad=False)",
        "no gradient: aux_head.weight (no recorded path to the loss)",
        "no gradient: aux_head.bias   (no recorded path to the loss)",
    ]
    assert ns.model.encoder.bias.grad is not None and ns.model.head.weight.grad is not None
    assert ns.model.head.weight.grad.device.type == device


def test_requires_grad_late(run_snippet, device):
    ns = run_snippet("grad_none/requires_grad_late.py")
    lines = ns.out.splitlines()
    assert lines[0] == "w.grad: None | b.grad: 1.0"
    assert ns.w.grad.tolist() == ns.x.tolist()  # d/dw sum(w x) = x
    assert ns.w.grad.device.type == device


def test_element0_error(run_snippet, device, snippet_globals):
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does not have a grad_fn") as excinfo:
        run_snippet("grad_none/element0_error.py")
    ns = snippet_globals(excinfo, "element0_error.py")
    assert ns["loss"].grad_fn is None and ns["x"].device.type == device
    assert ns["model"].weight.grad is None
    assert torch.is_grad_enabled()  # the with block restored grad mode on the way out


def test_element0_fixed(run_snippet, device):
    ns = run_snippet("grad_none/element0_fixed.py")
    lines = ns.out.splitlines()
    assert lines[0] == "after loss.requires_grad_(): loss.is_leaf: True | model.weight.grad: None"
    assert lines[1] == "recorded: loss.grad_fn: MseLossBackward0"
    # d/dW mean((xW^T + b - y)^2) = 2/n (xW^T + b - y)^T x
    m = ns.model
    residual = ns.x @ m.weight.T + m.bias - ns.y
    expected = (2 / len(ns.x)) * residual.T @ ns.x
    assert torch.allclose(m.weight.grad, expected.detach(), atol=1e-6)
    assert m.weight.grad.device.type == device
