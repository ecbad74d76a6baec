"""docs/debugging.md: points without a derivative, vanishing gradients, clipping, accumulation, mixed precision, saved tensors."""

import math

import pytest
import torch


def _grad_at(f, point, device):
    x = torch.tensor(point, device=device, requires_grad=True)
    f(x).sum().backward()
    return x.grad.tolist()


def test_clip_grad_norm(run_snippet, device):
    ns = run_snippet("debugging/clip_grad_norm.py")
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
    ns = run_snippet("debugging/vanishing_exploding.py")
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
    ns = run_snippet("debugging/grad_checkpoint.py")
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


def test_clip_grad_factor(run_snippet, device):
    ns = run_snippet("debugging/clip_grad_factor.py")
    rows = [line.split() for line in ns.out.splitlines()[1:]]
    assert len(rows) == 4
    for row in rows:
        grad = [float(row[0].strip("[,")), float(row[1].strip("]"))]
        max_norm, norm, factor, after = (float(v) for v in row[2:6])
        true_norm = math.hypot(*grad)
        assert norm == pytest.approx(true_norm)
        expected = min(1.0, max_norm / (true_norm + 1e-6))  # the rule, computed here
        assert factor == pytest.approx(expected, abs=1e-8)
        assert after == pytest.approx(true_norm * expected, rel=1e-7)
        assert row[6] == "True"  # the clipped gradient is exactly factor * old
        assert row[7] == str(true_norm < max_norm)  # unchanged only below max_norm
    assert float(rows[0][5]) < 1.0  # norm 5 clipped to 1 ends just under 1
    assert float(rows[1][5]) < 5.0  # at max_norm: still scaled
    assert float(rows[2][4]) == pytest.approx(1 / 6)  # 1e-6 / (5e-6 + 1e-6), not 1/5


def test_grad_accumulation(run_snippet, device):
    ns = run_snippet("debugging/grad_accumulation.py")
    assert ns.inputs.device.type == device
    assert ns.out.splitlines() == [
        "step 0: accumulated gradient == full-batch gradient: True",
        "step 1: accumulated gradient == full-batch gradient: True",
        "same weights after both steps: True",
    ]
    # independently: without dividing by k the accumulated gradient is k times the full-batch one
    model, k = ns.model, ns.k
    model.zero_grad()
    for x, y in zip(ns.inputs[:16].split(4), ns.targets[:16].split(4)):
        ns.loss_fn(model(x), y).backward()
    summed = [p.grad.clone() for p in model.parameters()]
    full = torch.autograd.grad(ns.loss_fn(model(ns.inputs[:16]), ns.targets[:16]), list(model.parameters()))
    assert all(torch.allclose(s, k * f, atol=1e-6) for s, f in zip(summed, full))
    assert all(p.grad is not None for p in ns.reference.parameters())


def test_autocast_dtypes(run_snippet, device):
    ns = run_snippet("debugging/autocast_dtypes.py")
    assert ns.hidden.device.type == device
    assert ns.x.dtype == torch.float32
    assert ns.hidden.dtype == ns.output.dtype == torch.bfloat16
    assert ns.loss.dtype == torch.float32
    for p in ns.model.parameters():
        assert p.dtype == torch.float32 and p.grad.dtype == torch.float32
    # the gradient is the float32 model's, up to bfloat16 precision
    w = ns.model[0].weight
    ref = torch.autograd.grad(torch.nn.functional.mse_loss(ns.model(ns.x), ns.y), w)[0]
    assert torch.allclose(w.grad, ref, rtol=0.1, atol=0.02)
    assert "Linear output: torch.bfloat16" in ns.out and "loss: torch.float32" in ns.out


def test_autocast_promotion(run_snippet, device):
    ns = run_snippet("debugging/autocast_promotion.py")
    assert ns.hidden.device.type == device
    assert ns.hidden.dtype == ns.relu.dtype == ns.scaled.dtype == ns.output.dtype == torch.bfloat16
    # add is on no autocast list: bfloat16 + float32 follows ordinary promotion
    assert ns.shifted.dtype == torch.promote_types(torch.bfloat16, torch.float32) == torch.float32
    assert torch.equal(ns.shifted, ns.hidden.float() + ns.shift)
    assert ns.layer.weight.dtype == ns.shift.dtype == torch.float32
    assert ns.output.shape == (4, 1)
    assert "hidden + shift  torch.float32" in ns.out


def test_grad_scaler_unscale(run_snippet, device):
    ns = run_snippet("debugging/grad_scaler_unscale.py")
    assert ns.scale == 2.0**16
    lines = ns.out.splitlines()
    assert lines[1].endswith("True") and lines[3].endswith("True")
    for p, g in zip(ns.params, ns.plain):
        assert p.grad.device.type == device
        assert torch.allclose(p.grad, g)
    true_norm = torch.linalg.vector_norm(torch.cat([g.flatten() for g in ns.plain])).item()
    scaled = float(lines[2].split(":")[1])
    assert scaled == pytest.approx(ns.scale * true_norm, rel=1e-4)
    assert float(lines[4].split(":")[1]) == pytest.approx(true_norm, abs=1e-4)


def test_grad_scaler(run_snippet, device):
    ns = run_snippet("debugging/grad_scaler.py")
    rows = [line.split() for line in ns.out.splitlines()]
    assert len(rows) == 5
    scale = 2.0**18
    for row in rows:
        assert float(row[3]) == scale
        taken = row[-1] == "True"
        norm = float(row[6])
        assert taken == math.isfinite(norm)  # skipped exactly when a gradient overflowed
        scale = scale if taken else scale / 2  # halved after a skip (no growth within 2000 steps)
    assert rows[0][-1] == "False" and rows[-1][-1] == "True"  # 2**18 overflows; the scale comes down
    assert ns.scaler.get_scale() == scale
    assert next(ns.model.parameters()).device.type == device


def test_saved_tensor_hooks(run_snippet, device):
    ns = run_snippet("debugging/saved_tensor_hooks.py")
    assert ns.x.device.type == device
    packs = [line for line in ns.log if line.startswith("pack")]
    unpacks = [line for line in ns.log if line.startswith("unpack")]
    assert packs == [f"pack {s} from {device}" for s in [(8, 16), (8, 64), (8, 64), (64, 4)]]
    assert len(unpacks) == len(packs)
    assert ns.log.index("backward:") == len(packs)  # every pack in forward, every unpack in backward
    assert sorted(u.split(" ", 1)[1] for u in unpacks) == sorted(p.split(" ")[1] + " " + p.split(" ")[2] for p in packs)
    # save_on_cpu: on a GPU the saved tensors come back from new contiguous pinned buffers, and
    # the backward matmuls may round differently; on the CPU (pin_memory=False) they are the same tensors
    _, kept = ns.offload.pack_hook(ns.x)
    if device == "cpu":
        assert kept is ns.x
    else:
        assert kept is not ns.x and kept.device.type == "cpu" and kept.is_pinned()
    for g, p in zip(ns.grads, ns.plain):
        assert g.device.type == device
        assert torch.equal(g, p) if device == "cpu" else torch.allclose(g, p, rtol=1e-5, atol=1e-6)
    assert ns.close
    assert ns.out.splitlines()[-3:] == [
        "same gradients: True",
        "same gradients with save_on_cpu, up to rounding: True",
        f"save_on_cpu keeps x itself, no copy: {device == 'cpu'}",
    ]


def test_nan_gradient_through_where(run_snippet, device):
    ns = run_snippet("debugging/nan_gradient.py")
    assert ns.loss.item() == 2.0  # sqrt(4) + 0: the forward pass is finite
    assert ns.x.grad.device.type == device
    first, second = ns.out.splitlines()[1:3]
    assert first == "x.grad: [0.25, nan]"  # 1 / (2 * sqrt(4)) and 0 * inf
    assert ns.x.grad.tolist() == [1 / (2 * math.sqrt(4.0)), 0.0]  # after the fix
    assert second == "x.grad with the fix: [0.25, 0.0]"


def test_nondifferentiable_points(run_snippet, device):
    ns = run_snippet("debugging/nondifferentiable_points.py")
    rows = {line[:30].strip(): line[43:] for line in ns.out.splitlines()[1:]}
    assert len(rows) == len(ns.cases) == 8
    expected = {
        "torch.relu(x)": "[0.0]",
        "x.clamp(min=0)": "[1.0]",
        "x.clamp(0, 1)": "[1.0, 1.0]",
        "torch.abs(x)": "[0.0]",
        "torch.sqrt(x)": "[inf]",
        "torch.linalg.vector_norm(x)": "[0.0, 0.0]",
        "x.pow(2).sum().sqrt()": "[nan, nan]",
        "torch.maximum(x[0], x[1])": "[0.5, 0.5]",
    }
    assert rows == expected
    # the one-sided slopes really differ there: relu's are 0 and 1
    h = 1e-3
    assert (torch.relu(torch.tensor(h)) - torch.relu(torch.tensor(0.0))).item() / h == pytest.approx(1.0)
    assert _grad_at(torch.relu, [h], device) == [1.0] and _grad_at(torch.relu, [-h], device) == [0.0]


def test_gradient_ties(run_snippet, device):
    ns = run_snippet("debugging/gradient_ties.py")
    rows = {line[:24].strip(): line[24:] for line in ns.out.splitlines()}
    half = [0.0, 0.5, 0.5]
    assert rows["x.max()"] == rows["x.amax(dim=0)"] == rows["x.median()"] == str(half)
    x = torch.tensor(ns.values, device=device)
    for name, op in [("x.max(dim=0)", lambda t: t.max(dim=0)), ("x.median(dim=0)", lambda t: t.median(dim=0)),
                     ("x.topk(1).values.sum()", lambda t: t.topk(1))]:
        index = op(x).indices.item()
        assert ns.values[index] == max(ns.values)
        one_hot = [1.0 if i == index else 0.0 for i in range(3)]
        assert rows[name] == f"{one_hot}  index: {index}"
    assert rows["x.max(dim=0)"].endswith("index: 1")  # documented: the first maximal value
