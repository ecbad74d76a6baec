"""docs/debugging.md: anomaly mode, clipping, accumulation, mixed precision, saved tensors."""

import math
from pathlib import Path

import pytest
import torch

def _tbptt_by_hand(device, carry_state):
    torch.manual_seed(0)
    rnn = torch.nn.RNN(input_size=2, hidden_size=4, batch_first=True).to(device)
    head = torch.nn.Linear(4, 1).to(device)
    opt = torch.optim.SGD([*rnn.parameters(), *head.parameters()], lr=0.1)
    seq, tgt = torch.randn(1, 12, 2, device=device), torch.randn(1, 12, 1, device=device)
    h, losses = torch.zeros(1, 1, 4, device=device), []
    for x, y in zip(seq.split(4, dim=1), tgt.split(4, dim=1)):
        start = h.detach() if carry_state else torch.zeros(1, 1, 4, device=device)
        out, h = rnn(x, start)
        loss = torch.nn.functional.mse_loss(head(out), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return rnn, losses


def _grad_at(f, point, device):
    x = torch.tensor(point, device=device, requires_grad=True)
    f(x).sum().backward()
    return x.grad.tolist()


def test_anomaly_mode_names_the_function(run_snippet, device):
    with pytest.raises(RuntimeError, match=r"Function 'SqrtBackward0' returned nan values in its 0th output\."):
        run_snippet("debugging/anomaly_mode.py")
    assert not torch.is_anomaly_enabled()


def test_anomaly_mode_warning_points_at_the_forward_line(run_snippet, device):
    # The warning shown on the page holds the traceback of the forward call that created SqrtBackward0.
    with pytest.warns(UserWarning) as caught, pytest.raises(RuntimeError, match="SqrtBackward0"):
        run_snippet("debugging/anomaly_mode.py")
    messages = [str(w.message) for w in caught]
    assert any(m.startswith("Anomaly Detection has been enabled") and "increase the runtime" in m for m in messages)
    (trace,) = [m for m in messages if m.startswith("Error detected in SqrtBackward0")]
    assert 'anomaly_mode.py", line 10' in trace
    assert "y = torch.where(x > 0, torch.sqrt(x), torch.zeros_like(x))" in trace


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


def test_tbptt_without_detach_fails(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        run_snippet("debugging/tbptt_error.py")
    assert capsys.readouterr().out.splitlines()[0].startswith("chunk 0: loss")


def test_tbptt_retain_graph_hits_the_inplace_check(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        run_snippet("debugging/tbptt_retain_graph.py")
    assert len(capsys.readouterr().out.splitlines()) == 1  # chunk 0 trained, chunk 1 failed


def test_tbptt_detach(run_snippet, device):
    ns = run_snippet("debugging/tbptt_detach.py")
    assert ns.h.device.type == device
    losses = [float(line.split("loss")[1]) for line in ns.out.splitlines()]
    assert len(losses) == 3
    rnn, expected = _tbptt_by_hand(device, carry_state=True)
    assert losses == pytest.approx(expected, abs=1e-4)
    for p, q in zip(ns.rnn.parameters(), rnn.parameters()):
        assert torch.allclose(p, q, atol=1e-6)
    # the carried values matter: restarting each chunk from zeros gives other losses
    _, restarted = _tbptt_by_hand(device, carry_state=False)
    assert restarted[0] == pytest.approx(expected[0]) and restarted[1] != pytest.approx(expected[1])


def test_gan_without_detach_fails(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        run_snippet("debugging/gan_no_detach.py")
    out = capsys.readouterr().out
    assert out == "G's gradients after the D step: [True, True, True, True]\n"


def test_gan_detach(run_snippet, device):
    ns = run_snippet("debugging/gan_detach.py")
    assert ns.real.device.type == device
    assert "G's gradients after the D step: [False, False, False, False]" in ns.out
    assert all(p.grad is not None for p in ns.G.parameters())  # the generator step reached G
    assert ns.d_loss.item() > 0 and ns.g_loss.item() > 0
    # g_loss was computed with D after its step, on the fakes from before G's step
    with torch.no_grad():
        expected = torch.nn.functional.binary_cross_entropy_with_logits(ns.D(ns.fake), ns.ones)
    assert ns.g_loss.item() == pytest.approx(expected.item(), rel=1e-5)


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


def test_inplace_relu_after_tanh_fails(run_snippet, device, snippet_globals):
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation.*\[4, 16\]\].*output 0 of Tanh") as excinfo:
        run_snippet("debugging/inplace_relu_error.py")
    ns = snippet_globals(excinfo, "inplace_relu_error.py")
    assert ns["x"].device.type == device
    # the forward ran: tanh's output was saved, then overwritten by the in-place ReLU
    assert ns["loss"].item() > 0 and ns["model"][0].weight.grad is None


def _relu_model(device, *layers):
    torch.manual_seed(0)  # as the snippet: same weights, then the data
    model = torch.nn.Sequential(torch.nn.Linear(8, 16), *layers, torch.nn.Linear(16, 1)).to(device)
    return model, torch.randn(4, 8, device=device)


def test_inplace_relu_fixed(run_snippet, device):
    ns = run_snippet("debugging/inplace_relu_fixed.py")
    assert ns.fixed.device.type == device
    model, x = _relu_model(device, torch.nn.Tanh(), torch.nn.ReLU())
    l1, l2 = model[0], model[3]
    # by hand: d relu(tanh(h)) / dh = 1 - tanh(h)^2 where tanh(h) > 0, else 0
    h = x @ l1.weight.T + l1.bias
    a = torch.relu(torch.tanh(h))
    y = a @ l2.weight.T + l2.bias
    dy = 2 * y / y.numel()
    dh = (dy @ l2.weight) * (torch.tanh(h) > 0) * (1 - torch.tanh(h) ** 2)
    assert torch.allclose(ns.fixed, (dh.T @ x).detach(), atol=1e-6)
    assert f"gradient norm {round(ns.fixed.norm().item(), 4)}" in ns.out
    assert torch.equal(ns.inplace, ns.out_of_place)
    assert ns.out.splitlines()[1].endswith("same gradient as ReLU(): True")


def _attention_output(module, x, mask, mask_scores):
    q, k, v = module.qkv(x).chunk(3, dim=-1)
    scores = q @ k.T
    if mask_scores:
        weights = torch.where(mask, float("-inf"), scores).softmax(dim=-1)
    else:
        weights = torch.where(mask, 0.0, scores.softmax(dim=-1))
    return weights @ v, weights


def test_inplace_mask_fails(run_snippet, device, snippet_globals):
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation.*\[5, 5\]\].*output 0 of Softmax") as excinfo:
        run_snippet("debugging/inplace_mask_error.py")
    ns = snippet_globals(excinfo, "inplace_mask_error.py")
    assert ns["x"].device.type == device
    assert ns["attention"].qkv.weight.grad is None  # backward stopped before reaching the weights


def test_inplace_mask_fixed(run_snippet, device):
    ns = run_snippet("debugging/inplace_mask_fixed.py")
    lines = ns.out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["mask_scores=False", "mask_scores=True"]
    assert all("masked weights are 0: True" in line for line in lines)
    # the last module masked the scores: its rows are a softmax over the unmasked entries
    module = ns.attention
    assert module.mask_scores and module.qkv.weight.grad.device.type == device
    out, weights = _attention_output(module, ns.x, ns.mask, mask_scores=True)
    assert torch.allclose(module.weights, weights) and torch.allclose(weights.sum(-1), torch.ones(5, device=device))
    (expected,) = torch.autograd.grad(out.sum(), module.qkv.weight)
    assert torch.allclose(module.qkv.weight.grad, expected, atol=1e-6)
    # zeroing after the softmax leaves rows that sum to less than 1
    sums = [float(s) for s in lines[0].split("[")[1].rstrip("]").split(", ")]
    assert all(0 < s < 1 for s in sums)


def test_inplace_step_fails(run_snippet, device, snippet_globals):
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation.*\[8, 2\]\]") as excinfo:
        run_snippet("debugging/inplace_step_error.py")
    ns = snippet_globals(excinfo, "inplace_step_error.py")
    assert ns["x"].device.type == device
    # the step happened before the failing backward: the weights moved by -lr * the first loss's gradient
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2)).to(device)
    loss = torch.nn.functional.mse_loss(model(ns["x"]), ns["target"])
    grads = torch.autograd.grad(loss, list(model.parameters()))
    for p, p0, g in zip(ns["model"].parameters(), model.parameters(), grads):
        assert torch.allclose(p, p0 - 0.1 * g, atol=1e-6)
    assert ns["model"][2].weight.T.shape == (8, 2)  # the [8, 2] tensor the message names


def test_inplace_step_fixed(run_snippet, device):
    ns = run_snippet("debugging/inplace_step_fixed.py")
    assert ns.out.strip().endswith("True")
    # the gradient used is that of the sum: recompute it on the original weights
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2)).to(device)
    out = model(ns.x)
    loss = torch.nn.functional.mse_loss(out, ns.target) + out.pow(2).mean()
    expected = torch.autograd.grad(loss, list(model.parameters()))
    for g, e, p in zip(ns.grads, expected, ns.model.parameters()):
        assert p.device.type == device and torch.allclose(g, e, atol=1e-6)


def test_inplace_anomaly_points_at_the_softmax(run_snippet, device):
    with pytest.warns(UserWarning) as caught, pytest.raises(RuntimeError, match="modified by an inplace operation"):
        run_snippet("debugging/inplace_anomaly.py")
    assert not torch.is_anomaly_enabled()
    messages = [str(w.message) for w in caught]
    (trace,) = [m for m in messages if m.startswith("Error detected in SoftmaxBackward0")]
    lines = trace.splitlines()
    (at,) = [i for i, line in enumerate(lines) if 'inplace_anomaly.py", line 15, in forward' in line]
    assert lines[at + 1].strip() == "weights = (q @ k.transpose(-2, -1)).softmax(dim=-1)"
    assert not any("in forward" in line for line in lines[at + 2 :])  # the innermost user frame
    # the culprit is the next line of forward
    source = (Path(__file__).parents[2] / "snippets/debugging/inplace_anomaly.py").read_text().splitlines()
    assert source[15].strip() == "weights[mask] = 0.0"
