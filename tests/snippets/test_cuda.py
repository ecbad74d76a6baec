"""docs/cuda.md: what each snippet computes, on the CPU and (on a GPU machine) on CUDA."""

import statistics

import pytest
import torch
import torch.nn.functional as F


def test_leaf_created_on_the_device_vs_copied_there(run_snippet, device):
    ns = run_snippet("cuda/leaf_device.py")
    on_cpu = device == "cpu"
    assert ns.a.device.type == ns.b.device.type == device
    assert ns.host.device.type == "cpu" and ns.host.is_leaf
    assert ns.a.is_leaf and ns.a.grad_fn is None
    # .to(device) is a no-op on a CPU-only machine, a recorded copy on a GPU machine
    assert ns.b.is_leaf == on_cpu
    assert (ns.b is ns.host) == on_cpu
    assert (ns.b.grad_fn.name() if ns.b.grad_fn is not None else None) == (None if on_cpu else "ToCopyBackward0")
    assert f"b: on {device}, is_leaf={on_cpu}, grad_fn={None if on_cpu else 'ToCopyBackward0'}" in ns.out
    # d(sum(a * b))/da = b and d/db = a; the copy passes its gradient back to the CPU tensor
    assert torch.equal(ns.a.grad.cpu(), ns.host.detach())
    assert ns.host.grad.device.type == "cpu"
    assert torch.equal(ns.host.grad, ns.a.detach().cpu())
    if on_cpu:
        assert ns.b.grad is ns.host.grad
    else:
        with pytest.warns(UserWarning, match="not a leaf Tensor"):
            assert ns.b.grad is None
    assert f"b.grad filled: {on_cpu}" in ns.out.splitlines()
    assert ns.layer.weight.is_leaf and ns.layer.weight.device.type == device
    assert ns.out.splitlines()[-1] == f"nn.Linear(3, 1).to(device).weight: on {device} is_leaf True"


def test_device_mismatch(run_snippet, device):
    ns = run_snippet("cuda/device_mismatch.py")
    assert ns.w.device.type == device and ns.x.device.type == "cpu"
    if device == "cuda":
        assert isinstance(ns.mixed.error, RuntimeError)
        assert "Expected all tensors to be on the same device" in str(ns.mixed.error)
        assert ns.out.startswith("w * x: RuntimeError: Expected all tensors to be on the same device")
        with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
            ns.w * ns.x
    else:
        assert ns.mixed.error is None
        assert torch.equal(ns.y, ns.w * ns.x)
        assert ns.out.startswith("w * x: no error (both tensors are on the cpu)")
    # the fix: one backward of sum(w * x) gives w.grad == x, on w's device
    assert ns.loss.device.type == device and ns.w.grad.device.type == device
    assert torch.equal(ns.w.grad.cpu(), ns.x)
    assert ns.loss.item() == pytest.approx((ns.w.detach().cpu() * ns.x).sum().item(), rel=1e-6)
    # a 0-dim CPU tensor mixes with a tensor on any device
    assert (ns.w * ns.scale).device.type == device
    assert ns.out.splitlines()[-1] == f"w * scale (0-dim, on the cpu): result on {device}"


def test_caught_only_stops_runtime_errors(run_snippet, device):
    ns = run_snippet("cuda/device_mismatch.py")
    with ns.Caught() as caught:
        raise RuntimeError("stopped")
    assert str(caught.error) == "stopped"
    with pytest.raises(ValueError), ns.Caught():
        raise ValueError("not a RuntimeError: passes through")


def test_backward_returns_before_the_device_is_done(run_snippet, device):
    ns = run_snippet("cuda/streams.py")
    lines = ns.out.splitlines()
    # On a GPU the gradient kernels are still running when backward() returns; the CPU queues nothing.
    assert lines[1] == f"device idle right after backward(): {device == 'cpu'}"
    assert lines[3] == "device idle after .item(): True"
    assert ns.device_idle()
    assert ns.x.grad.device.type == device and ns.x.grad.shape == (ns.n, ns.n)
    assert isinstance(ns.total, float) and ns.total == ns.x.grad.sum().item()
    # the gradient .item() waited for is the finished one: backpropagate by hand, in float64
    x, w = ns.x.detach().double(), ns.w.double()
    hs = [x]
    for _ in range(4):
        hs.append(torch.tanh(hs[-1] @ w))
    g = torch.ones_like(hs[-1])
    for h in reversed(hs[1:]):
        g = (g * (1 - h**2)) @ w.T
    assert torch.allclose(ns.x.grad.double(), g, rtol=1e-3, atol=1e-4 * g.abs().max().item())


def test_timing_needs_synchronize(run_snippet, device):
    ns = run_snippet("cuda/timing.py")
    assert len(ns.fractions) == 5 and all(0 < f <= 1 for f in ns.fractions)
    # without synchronize, a GPU timing measures the launch only; on the CPU the work is done on return
    median = statistics.median(ns.fractions)
    assert (median < 0.5) == (device == "cuda")
    if device == "cpu":
        assert median > 0.9  # the no-op sync adds next to nothing
    assert ns.out.splitlines() == [
        "measured after synchronize: True",
        f"step() returned before half of its work was done: {device == 'cuda'}",
    ]
    assert (ns.sync is torch.cuda.synchronize) == (device == "cuda")
    # each step starts from w.grad = None, so w.grad is one step's d mean((x @ w)^2) / dw = 2 x^T (x @ w) / n^2
    x, w = ns.x.double(), ns.w.detach().double()
    expected = 2 * x.T @ (x @ w) / ns.n**2
    assert ns.w.grad.device.type == device
    assert torch.allclose(ns.w.grad.double(), expected, rtol=1e-3, atol=1e-4 * expected.abs().max().item())


def test_deterministic_algorithms(run_snippet, device):
    ns = run_snippet("cuda/deterministic.py")
    assert not torch.are_deterministic_algorithms_enabled()  # the finally block switched it off again
    lines = ns.out.splitlines()
    assert [line for line in lines if line.startswith("deterministic algorithms:")] == [
        "deterministic algorithms: False",
        "deterministic algorithms: True",
        "deterministic algorithms: False",
    ]
    assert "two backward passes agree to rounding: True" in lines
    assert "two backward passes agree bit for bit: True" in lines
    # d sum(table[rows] * weights) / d table[r, :] = the sum of the weights of the picks of row r
    expected = torch.bincount(ns.rows.cpu(), weights=ns.weights[:, 0].cpu().double(), minlength=8)
    grad = ns.table_grad()
    assert grad.device.type == device
    assert torch.allclose(grad.cpu().double(), expected[:, None].expand(8, 4), rtol=1e-5)
    if device == "cuda":
        assert isinstance(ns.pool.error, RuntimeError)
        message = "adaptive_avg_pool2d_backward_cuda does not have a deterministic implementation"
        assert message in str(ns.pool.error)
        assert f"adaptive_avg_pool2d backward: RuntimeError: {message}" in ns.out
        assert ns.image.grad is None  # the backward pass stopped at the error
    else:
        assert ns.pool.error is None
        assert "adaptive_avg_pool2d backward: no error" in lines
        # each of the 9 outputs averages its window: the gradients of their sum add up to 9
        assert ns.image.grad.sum().item() == pytest.approx(9.0)
    # outside deterministic mode the same backward runs on every device
    ns.image.grad = None
    F.adaptive_avg_pool2d(ns.image, 3).sum().backward()
    assert ns.image.grad.sum().item() == pytest.approx(9.0)


def test_peak_memory(run_snippet, device):
    ns = run_snippet("cuda/peak_memory.py")
    assert next(ns.model.parameters()).device.type == device
    assert list(ns.results) == ["grad enabled", "no_grad", "inference_mode"]
    (saved_grad, peak_grad), (saved_no_grad, peak_no_grad), (saved_inference, peak_inference) = ns.results.values()
    activation = 64 * 1024 * 4  # one (64, 1024) float32 tensor
    assert saved_grad == 4 * activation  # the four ReLU outputs; the input and the weights exist anyway
    assert saved_no_grad == saved_inference == 0
    lines = ns.out.splitlines()
    assert len(lines) == 3 and f"{saved_grad:>9,} bytes" in lines[0]
    if device == "cpu":
        assert peak_grad is peak_no_grad is peak_inference is None
        assert all(line.endswith("peak on the GPU: n/a on cpu") for line in lines)
    else:
        assert peak_grad >= saved_grad  # the saved activations are all alive at the end
        assert activation <= peak_no_grad < peak_grad
        assert peak_inference <= peak_no_grad
        assert lines[0].endswith(f"peak on the GPU: {peak_grad:,} bytes")
