"""docs/grad_modes.md: what each snippet computes, on every device."""

import ast
import traceback
from pathlib import Path

import pytest
import torch

SNIPPETS = Path(__file__).resolve().parent.parent.parent / "snippets"


def raises_on_last_line(run_snippet, name, match):
    """Run an error snippet; check the error and that the failing statement is the file's last line."""
    with pytest.raises(RuntimeError, match=match) as excinfo:
        run_snippet(name)
    path = SNIPPETS / name
    frames = [f for f in traceback.extract_tb(excinfo.value.__traceback__) if Path(f.filename) == path]
    last_line = len(path.read_text().rstrip("\n").splitlines())
    assert frames and frames[-1].lineno == last_line
    return excinfo


# --- no_grad, enable_grad, set_grad_enabled, decorator -----------------------------------------


def test_no_grad(run_snippet, device):
    ns = run_snippet("grad_modes/no_grad.py")
    assert ns.w.device.type == device and ns.z.device.type == device
    assert ns.y.requires_grad and ns.y.grad_fn is not None
    assert not ns.z.requires_grad and ns.z.grad_fn is None and ns.z.is_leaf
    assert torch.equal(ns.z, ns.y.detach())  # same values, only the recording differs
    assert "inside:   grad enabled = False" in ns.out
    assert ns.w.requires_grad and ns.w.is_leaf


def test_enable_grad_inside_no_grad(run_snippet, device):
    ns = run_snippet("grad_modes/enable_grad.py")
    assert not ns.a.requires_grad and not ns.c.requires_grad
    assert ns.b.requires_grad and type(ns.b.grad_fn).__name__ == "PowBackward0"
    assert ns.x.grad.device.type == device
    assert ns.x.grad.item() == 3 * 2.0**2


def test_set_grad_enabled(run_snippet, device):
    ns = run_snippet("grad_modes/set_grad_enabled.py")
    lines = [line for line in ns.out.splitlines() if line.startswith("is_train")]
    assert "loss.requires_grad=True" in lines[0] and "grad_fn=True" in lines[0]
    assert "loss.requires_grad=False" in lines[1] and "grad_fn=False" in lines[1]
    assert ns.loss.grad_fn is None  # the last call was is_train=False
    assert not ns.model.training
    assert ns.model.weight.grad is not None and ns.model.weight.grad.device.type == device
    # the gradient is the one of the training call: recompute it by hand
    w, b = ns.model.weight.detach(), ns.model.bias.detach()
    residual = ns.inputs @ w.T + b - ns.targets
    expected = 2 * residual.T @ ns.inputs / residual.numel()
    assert torch.allclose(ns.model.weight.grad, expected, atol=1e-6)


def test_decorator(run_snippet, device):
    ns = run_snippet("grad_modes/decorator.py")
    assert "inside predict: grad enabled = False" in ns.out
    assert ns.labels.device.type == device and not ns.labels.requires_grad
    assert ns.labels.tolist() == ns.scores.argmax(dim=1).tolist()
    assert ns.scores.grad_fn is not None
    assert f"labels: {ns.labels.tolist()}" in ns.out


# --- inference_mode vs no_grad ------------------------------------------------------------------


def test_no_grad_output_usable_later(run_snippet, device):
    ns = run_snippet("grad_modes/later_no_grad.py")
    assert ns.features.device.type == device
    assert not ns.features.requires_grad and not ns.features.is_inference()
    assert ns.backbone.weight.grad is None
    # d(mean(h^2))/dW = 2/N * h^T features with h = head(features)
    h = (ns.features @ ns.head.weight.T + ns.head.bias).detach()
    expected = 2 * h.T @ ns.features / h.numel()
    assert torch.allclose(ns.head.weight.grad, expected, atol=1e-6)


def test_inference_output_not_usable_later(run_snippet, device, capsys):
    raises_on_last_line(run_snippet, "grad_modes/later_inference.py", "Inference tensors cannot be saved for backward")
    out = capsys.readouterr().out
    assert "features.requires_grad: False" in out
    assert "features.is_inference(): True" in out


def test_inference_clone(run_snippet, device):
    ns = run_snippet("grad_modes/inference_clone.py")
    assert ns.features.is_inference() and not ns.normal.is_inference()
    assert torch.equal(ns.normal, ns.features)
    assert ns.head.weight.grad.shape == (1, 4) and ns.head.weight.grad.device.type == device


def test_inference_inplace(run_snippet, device, capsys):
    raises_on_last_line(
        run_snippet, "grad_modes/inference_inplace.py", "Inplace update to inference tensor outside InferenceMode"
    )
    out = capsys.readouterr().out
    assert "no_grad tensor after add_: [1.0, 1.0, 1.0]" in out
    assert "inside inference_mode: True [1.0, 1.0, 1.0]" in out
    assert "is_inference(): True  inference_mode on: False" in out


# --- model.eval() is a different switch ---------------------------------------------------------


def test_eval_still_records(run_snippet, device):
    ns = run_snippet("grad_modes/eval_still_records.py")
    assert not ns.model.training and not any(m.training for m in ns.model.modules())
    assert ns.output.requires_grad and type(ns.output.grad_fn).__name__ == "AddmmBackward0"
    assert "model.training: False  dropout.training: False" in ns.out
    assert ns.model[0].weight.grad is not None and ns.model[0].weight.grad.device.type == device
    # eval Dropout is the identity: the output equals the model without it
    with torch.no_grad():
        plain = ns.model[3](ns.model[1](ns.model[0](ns.x)))
        assert torch.allclose(ns.model(ns.x), plain)


def test_dropout_modes(run_snippet, device):
    ns = run_snippet("grad_modes/dropout_modes.py")
    rows = {
        line.split(":")[0].strip(): ast.literal_eval(line.split(":", 1)[1].strip())
        for line in ns.out.splitlines()
    }
    train, train_no_grad, evaluated = rows["train()"], rows["train() + no_grad"], rows["eval()"]
    for values in (train, train_no_grad):
        assert set(values) <= {0.0, 2.0} and 0.0 in values  # dropped and rescaled by 1/(1-p)
    assert evaluated == [1.0] * 8
    assert not ns.drop.training and ns.x.device.type == device


def test_batchnorm_modes(run_snippet, device):
    ns = run_snippet("grad_modes/batchnorm_modes.py")
    expected = 0.1 * ns.batch.mean(dim=0)  # momentum 0.1 from a running mean of 0
    assert torch.allclose(ns.bn.running_mean, expected, atol=1e-6)
    assert torch.equal(ns.before, ns.bn.running_mean)
    assert ns.bn.num_batches_tracked.item() == 1  # only the training-mode call counted
    assert ns.normalised.grad_fn is not None
    # eval normalises with the stored statistics: (x - running_mean) / sqrt(running_var + eps)
    by_hand = (ns.batch - ns.bn.running_mean) / torch.sqrt(ns.bn.running_var + ns.bn.eps)
    assert torch.allclose(ns.normalised, by_hand, atol=1e-5)


# --- the manual SGD update (OLS: x=1, y=2, w=1, lr=0.01) --------------------------------------


def test_sgd_inplace_error(run_snippet, device, capsys):
    raises_on_last_line(
        run_snippet,
        "grad_modes/sgd_inplace_error.py",
        "a leaf Variable that requires grad is being used in an in-place operation",
    )
    assert "dloss/dw: -2.0" in capsys.readouterr().out


def test_sgd_no_grad(run_snippet, device):
    ns = run_snippet("grad_modes/sgd_no_grad.py")
    w = 1.0
    for _ in range(2):
        w -= 0.01 * 2 * (w * 1.0 - 2.0)
    assert ns.w.item() == pytest.approx(w)
    assert ns.out.splitlines()[0] == "step 0: grad = -2.0000  ->  w = 1.0200"
    assert ns.w.is_leaf and ns.w.requires_grad and ns.w.grad_fn is None and ns.w.grad is None
    assert ns.w.device.type == device


def test_sgd_rebind(run_snippet, device):
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        ns = run_snippet("grad_modes/sgd_rebind.py")
    assert not ns.w.is_leaf and type(ns.w.grad_fn).__name__ == "SubBackward0"
    assert ns.w.item() == pytest.approx(1.02)
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        assert ns.w.grad is None
    # step 1: -2; step 2 flows through w = leaf - lr*g into the leaf: 2*(1.02 - 2) = -1.96
    assert ns.leaf.is_leaf and ns.leaf.grad.item() == pytest.approx(-2 + 2 * (1.02 - 2))
    assert ns.leaf.grad.device.type == device


# --- evaluation and memory ----------------------------------------------------------------------


def test_evaluate(run_snippet, device):
    ns = run_snippet("grad_modes/evaluate.py")
    assert ns.outputs.grad_fn is None and not ns.outputs.requires_grad
    assert ns.val_loss.grad_fn is None
    assert ns.model.training  # restored at the end
    assert ns.outputs.device.type == device and ns.outputs.shape == (32, 1)
    fc1, fc2 = ns.model.fc1, ns.model.fc2
    with torch.no_grad():
        hidden = torch.clamp(ns.val_inputs @ fc1.weight.T + fc1.bias, min=0)
        expected = ((hidden @ fc2.weight.T + fc2.bias - ns.val_targets) ** 2).mean()
    assert ns.val_loss.item() == pytest.approx(expected.item(), rel=1e-5)
    assert f"validation loss: {expected.item():.4f}" in ns.out


def test_saved_tensors(run_snippet, device):
    ns = run_snippet("grad_modes/saved_tensors.py")
    b, i, h, o = ns.batch, ns.n_in, ns.n_hidden, ns.n_out
    assert [(shape, nbytes) for shape, nbytes, _ in ns.saved] == [
        ((b, i), b * i * 4),  # first Linear: its input, for the weight's gradient
        ((b, h), b * h * 4),  # ReLU: its output
        ((b, h), b * h * 4),  # second Linear: its input (the same tensor)
        ((h, o), h * o * 4),  # second Linear: its weight (transposed view), for the input's gradient
    ]
    whats = [what for _, _, what in ns.saved]
    assert whats[0] == "the input x" and whats[1] == whats[2] and whats[3].startswith("parameter 2.weight")
    assert ns.output.grad_fn is not None and ns.output.device.type == device
    assert f"total 4 tensors {b * i * 4 + 2 * b * h * 4 + h * o * 4:>9,} bytes" in ns.out


def test_memory_saved(run_snippet, device):
    ns = run_snippet("grad_modes/memory_saved.py")
    b, i, h, o = ns.batch, ns.n_in, ns.n_hidden, ns.n_out
    f32 = torch.tensor(0.0).element_size()
    assert ns.results["grad enabled"] == (4, (b * i + 2 * b * h + h * o) * f32, b * h * f32)
    assert ns.results["torch.no_grad()"] == (0, 0, 0)
    assert ns.results["torch.inference_mode()"] == (0, 0, 0)
    assert ns.params == (i * h + h + h * o + o) * f32
    assert ns.x.device.type == device and next(ns.model.parameters()).device.type == device
    assert "(128.0 KiB)" in ns.out



# --- what inference tensors refuse, exactly ---------------------------------------------------


def test_inference_add_is_recorded(run_snippet, device):
    ns = run_snippet("grad_modes/inference_add.py")
    assert ns.f.is_inference() and ns.f.device.type == device
    assert not ns.s.is_inference() and ns.s.requires_grad and ns.s.grad_fn.name() == "AddBackward0"
    assert ns.w.grad.tolist() == [1.0, 1.0] and ns.w.grad.device.type == device  # d sum(f + w)/dw
    assert torch.equal(ns.s.detach(), ns.f + ns.w.detach())
    assert "s.grad_fn: AddBackward0  s.is_inference(): False" in ns.out


def test_inference_mul_is_refused(run_snippet, device, capsys):
    raises_on_last_line(run_snippet, "grad_modes/inference_mul.py", "Inference tensors cannot be saved for backward")
    assert "f.is_inference(): True" in capsys.readouterr().out
    # the same product with a normal copy is recorded, and the gradient is f
    w = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
    with torch.inference_mode():
        f = torch.tensor([3.0, 4.0], device=device) * 2
    (f.clone() * w).sum().backward()
    assert w.grad.tolist() == [6.0, 8.0]


def test_inference_requires_grad_refused(device):
    """The page's third restriction, stated in prose: requires_grad_() outside inference mode."""
    with torch.inference_mode():
        f = torch.zeros(2, device=device)
    with pytest.raises(RuntimeError, match="Setting requires_grad=True on inference tensor outside InferenceMode"):
        f.requires_grad_()
    with torch.inference_mode():
        assert f.requires_grad_().requires_grad  # allowed inside


# --- freezing -----------------------------------------------------------------------------------


def test_freeze_backbone(run_snippet, device):
    ns = run_snippet("grad_modes/freeze_backbone.py")
    backbone, head = ns.backbone, ns.head
    assert all(not p.requires_grad and p.grad is None for p in backbone.parameters())
    assert len(ns.trainable) == 2 and ns.trainable[0] is head.weight and ns.trainable[1] is head.bias
    assert "trainable: ['2.weight', '2.bias']" in ns.out
    assert "backbone output records a graph: False" in ns.out
    for name in ("0.weight", "0.bias"):  # frozen: bit-for-bit unchanged
        assert torch.equal(dict(ns.model.named_parameters())[name], ns.before[name])
    # the head after 3 SGD steps, recomputed by hand from the saved starting values
    features = torch.relu(ns.x @ ns.before["0.weight"].T + ns.before["0.bias"])
    weight, bias = ns.before["2.weight"].clone(), ns.before["2.bias"].clone()
    for _ in range(3):
        residual = features @ weight.T + bias - ns.target
        grad_out = 2 * residual / residual.numel()
        weight, bias = weight - 0.1 * grad_out.T @ features, bias - 0.1 * grad_out.sum(0)
    assert torch.allclose(head.weight, weight, atol=1e-6) and torch.allclose(head.bias, bias, atol=1e-6)
    assert not torch.equal(head.weight, ns.before["2.weight"])
    assert head.weight.device.type == device
    assert "0.weight  unchanged: True " in ns.out and "2.weight  unchanged: False" in ns.out


@pytest.mark.parametrize("momentum, weight_decay", [(0.9, 0.0), (0.0, 0.01)])
def test_frozen_with_old_grad_still_moves(device, momentum, weight_decay):
    """The page: a frozen parameter with a zero .grad is moved by momentum or weight decay, one with None is not."""
    torch.manual_seed(0)
    layer = torch.nn.Linear(2, 2).to(device)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1, momentum=momentum, weight_decay=weight_decay)
    layer(torch.randn(3, 2, device=device)).sum().backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=False)
    layer.weight.requires_grad_(False)
    assert torch.equal(layer.weight.grad, torch.zeros_like(layer.weight))
    frozen = layer.weight.clone()
    optimizer.step()
    assert not torch.equal(layer.weight, frozen)  # moved although frozen
    layer.weight.grad = None
    frozen = layer.weight.clone()
    optimizer.step()
    assert torch.equal(layer.weight, frozen)  # grad None: skipped


def test_frozen_batchnorm_still_updates_statistics(device):
    bn = torch.nn.BatchNorm1d(2).to(device)
    for p in bn.parameters():
        p.requires_grad_(False)
    batch = torch.tensor([[1.0, 2.0], [3.0, 6.0]], device=device)
    bn(batch)
    assert torch.allclose(bn.running_mean, 0.1 * batch.mean(0)) and bn.num_batches_tracked.item() == 1
    bn.eval()
    bn(batch)
    assert bn.num_batches_tracked.item() == 1
