"""docs/training_errors.md: anomaly mode, backward through a freed graph, in-place errors in models."""

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


def test_anomaly_mode_names_the_function(run_snippet, device):
    with pytest.raises(RuntimeError, match=r"Function 'SqrtBackward0' returned nan values in its 0th output\."):
        run_snippet("training_errors/anomaly_mode.py")
    assert not torch.is_anomaly_enabled()


def test_anomaly_mode_warning_points_at_the_forward_line(run_snippet, device):
    # The warning shown on the page holds the traceback of the forward call that created SqrtBackward0.
    with pytest.warns(UserWarning) as caught, pytest.raises(RuntimeError, match="SqrtBackward0"):
        run_snippet("training_errors/anomaly_mode.py")
    messages = [str(w.message) for w in caught]
    assert any(m.startswith("Anomaly Detection has been enabled") and "increase the runtime" in m for m in messages)
    (trace,) = [m for m in messages if m.startswith("Error detected in SqrtBackward0")]
    assert 'anomaly_mode.py", line 10' in trace
    assert "y = torch.where(x > 0, torch.sqrt(x), torch.zeros_like(x))" in trace


def test_tbptt_without_detach_fails(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        run_snippet("training_errors/tbptt_error.py")
    assert capsys.readouterr().out.splitlines()[0].startswith("chunk 0: loss")


def test_tbptt_retain_graph_hits_the_inplace_check(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        run_snippet("training_errors/tbptt_retain_graph.py")
    assert len(capsys.readouterr().out.splitlines()) == 1  # chunk 0 trained, chunk 1 failed


def test_tbptt_detach(run_snippet, device):
    ns = run_snippet("training_errors/tbptt_detach.py")
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
        run_snippet("training_errors/gan_no_detach.py")
    out = capsys.readouterr().out
    assert out == "G's gradients after the D step: [True, True, True, True]\n"


def test_gan_detach(run_snippet, device):
    ns = run_snippet("training_errors/gan_detach.py")
    assert ns.real.device.type == device
    assert "G's gradients after the D step: [False, False, False, False]" in ns.out
    assert all(p.grad is not None for p in ns.G.parameters())  # the generator step reached G
    assert ns.d_loss.item() > 0 and ns.g_loss.item() > 0
    # g_loss was computed with D after its step, on the fakes from before G's step
    with torch.no_grad():
        expected = torch.nn.functional.binary_cross_entropy_with_logits(ns.D(ns.fake), ns.ones)
    assert ns.g_loss.item() == pytest.approx(expected.item(), rel=1e-5)


def test_gan_retain_graph_runs_but_backpropagates_into_g(run_snippet, device):
    ns = run_snippet("training_errors/gan_retain_graph.py")
    retained = ns.out.splitlines()
    assert retained[0] == "G's gradients after the D step: [True, True, True, True]"  # work done for nothing
    detached = run_snippet("training_errors/gan_detach.py")
    assert retained[1] == detached.out.splitlines()[1]  # the same losses as with fake.detach()
    for p, q in zip(ns.G.parameters(), detached.G.parameters()):  # and the same generator step
        assert torch.equal(p, q)
    for p, q in zip(ns.D.parameters(), detached.D.parameters()):
        assert torch.equal(p, q)


def test_inplace_relu_after_tanh_fails(run_snippet, device, snippet_globals):
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation.*\[4, 16\]\].*output 0 of Tanh") as excinfo:
        run_snippet("training_errors/inplace_relu_error.py")
    ns = snippet_globals(excinfo, "inplace_relu_error.py")
    assert ns["x"].device.type == device
    # the forward ran: tanh's output was saved, then overwritten by the in-place ReLU
    assert ns["loss"].item() > 0 and ns["model"][0].weight.grad is None


def _relu_model(device, *layers):
    torch.manual_seed(0)  # as the snippet: same weights, then the data
    model = torch.nn.Sequential(torch.nn.Linear(8, 16), *layers, torch.nn.Linear(16, 1)).to(device)
    return model, torch.randn(4, 8, device=device)


def test_inplace_relu_fixed(run_snippet, device):
    ns = run_snippet("training_errors/inplace_relu_fixed.py")
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
        run_snippet("training_errors/inplace_mask_error.py")
    ns = snippet_globals(excinfo, "inplace_mask_error.py")
    assert ns["x"].device.type == device
    assert ns["attention"].qkv.weight.grad is None  # backward stopped before reaching the weights


def test_inplace_mask_fixed(run_snippet, device):
    ns = run_snippet("training_errors/inplace_mask_fixed.py")
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
        run_snippet("training_errors/inplace_step_error.py")
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
    assert "[8, 2]], which is output 0 of AsStrided" in str(excinfo.value)
    # why AsStrided: once its base has changed in place, a view's node is rebuilt as an as_strided
    w = torch.randn(2, 8, device=device, requires_grad=True)
    view = w.t()  # what F.linear takes of its weight
    assert type(view.grad_fn).__name__ == "TBackward0"
    with torch.no_grad():
        w.add_(1)
    assert type(view.grad_fn).__name__ == "AsStridedBackward0"


def test_inplace_step_fixed(run_snippet, device):
    ns = run_snippet("training_errors/inplace_step_fixed.py")
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
        run_snippet("training_errors/inplace_anomaly.py")
    assert not torch.is_anomaly_enabled()
    messages = [str(w.message) for w in caught]
    (trace,) = [m for m in messages if m.startswith("Error detected in SoftmaxBackward0")]
    lines = trace.splitlines()
    (at,) = [i for i, line in enumerate(lines) if 'inplace_anomaly.py", line 15, in forward' in line]
    assert lines[at + 1].strip() == "weights = (q @ k.transpose(-2, -1)).softmax(dim=-1)"
    assert not any("in forward" in line for line in lines[at + 2 :])  # the innermost user frame
    # the culprit is the next line of forward
    source = (Path(__file__).parents[2] / "snippets/training_errors/inplace_anomaly.py").read_text().splitlines()
    assert source[15].strip() == "weights[mask] = 0.0"
