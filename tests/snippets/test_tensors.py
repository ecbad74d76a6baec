"""docs/tensors.md: what each snippet computes, on every device."""

import traceback
from pathlib import Path

import numpy as np
import pytest
import torch

SNIPPETS = Path(__file__).resolve().parents[2] / "snippets"


def lines_by_label(out: str, sep: str) -> dict:
    """'label <sep> value' lines of a snippet's output as {label: value}."""
    pairs = (line.split(sep, 1) for line in out.splitlines() if sep in line)
    return {label.strip(): value.strip() for label, value in pairs}


def assert_raised_last(excinfo, name: str) -> None:
    """An error snippet must raise at its last statement, uncaught."""
    path = str(SNIPPETS / name)
    frames = [f for f in traceback.extract_tb(excinfo.tb) if f.filename == path]
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    last = max(number for number, line in enumerate(lines, 1) if line.strip())
    assert frames and frames[-1].lineno == last


def same_storage(a, b) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def test_creation(run_snippet, device):
    ns = run_snippet("tensors/creation.py")
    made = [ns.from_list, ns.zeros, ns.ones, ns.steps, ns.noise, ns.same_shape, ns.same_shape_noise]
    assert all(t.device.type == device for t in made)
    assert ns.from_list.tolist() == [[1, 2, 3], [4, 5, 6]] and ns.from_list.dtype == torch.int64
    assert ns.zeros.shape == (2, 3) and not ns.zeros.any() and ns.zeros.dtype == torch.float32
    assert (ns.ones == 1).all() and ns.ones.shape == (2, 3)
    assert ns.steps.tolist() == list(range(0, 10, 2))
    # *_like copies shape, dtype and device, not values
    assert ns.same_shape.shape == ns.from_list.shape and ns.same_shape.dtype == torch.int64
    assert ns.same_shape_noise.shape == (2, 3) and ns.same_shape_noise.dtype == torch.float32
    # the seed makes randn repeatable: the same seed gives the same first draw on this device
    torch.manual_seed(0)
    again = torch.randn(2, 3, device=device)
    assert torch.equal(again, ns.noise)
    shown = [[round(v, 4) for v in row] for row in again.tolist()]
    assert f"randn:     {shown}" in ns.out
    assert "ndim, numel: 2 6" in ns.out


def test_dtypes(run_snippet, device):
    ns = run_snippet("tensors/dtypes.py")
    assert ns.floats.device.type == device and ns.ints.device.type == device
    assert (ns.floats.dtype, ns.ints.dtype, ns.flags.dtype) == (torch.float32, torch.int64, torch.bool)
    shown = lines_by_label(ns.out, "->")
    expected = {
        "int64 + float32": torch.promote_types(torch.int64, torch.float32),
        "int64 + 0.5": torch.result_type(ns.ints, 0.5),
        "float32 + float64": torch.promote_types(torch.float32, torch.float64),
        "float16 + 1.0": torch.result_type(ns.halves, 1.0),
        "float16 + float32": torch.promote_types(torch.float16, torch.float32),
    }
    for label, dtype in expected.items():
        assert shown[label] == str(dtype)
    assert expected["int64 + float32"] == torch.float32 and expected["float16 + 1.0"] == torch.float16
    assert shown["int64 / 2"] == "torch.float32 [1.5, 2.5]"
    assert shown["int64 // 2"] == "torch.int64 [1, 2]"
    assert ns.explicit.dtype == ns.converted.dtype == torch.float32
    assert ns.converted.tolist() == [3.0, 5.0] and ns.ints.dtype == torch.int64  # .to() made a new tensor


def test_requires_grad_dtype(run_snippet, device, capsys):
    match = "Only Tensors of floating point and complex dtype can require gradients"
    with pytest.raises(RuntimeError, match=match) as excinfo:
        run_snippet("tensors/requires_grad_dtype.py")
    assert_raised_last(excinfo, "tensors/requires_grad_dtype.py")
    out = capsys.readouterr().out
    assert "float32 can require grad: True" in out and "complex64 can require grad: True" in out
    # the same call with a floating dtype is accepted
    assert torch.tensor([1, 2], dtype=torch.float32, device=device, requires_grad=True).requires_grad


def test_devices(run_snippet, device):
    ns = run_snippet("tensors/devices.py")
    assert ns.made_there.device.type == device and ns.moved.device.type == device
    assert ns.made_on_cpu.device.type == "cpu"
    assert (ns.moved is ns.made_on_cpu) == (device == "cpu")  # a copy only when the device changes
    assert "t.to(t.device) is t: True" in ns.out and "t.to(t.dtype) is t:  True" in ns.out
    assert ns.doubled is not ns.made_there and ns.doubled.dtype == torch.float64
    assert ns.made_there.dtype == torch.float32 and ns.doubled.device.type == device
    assert ns.forced is not ns.made_there and not same_storage(ns.forced, ns.made_there)
    assert not ns.w.is_leaf and ns.w.grad_fn.name() == "ToCopyBackward0"
    assert ns.leaf.is_leaf and ns.leaf.device.type == device and ns.leaf.dtype == torch.float64
    # the page's claim about devices: moving to another device is also a recorded conversion
    assert torch.zeros(3, requires_grad=True).to(device).is_leaf == (device == "cpu")


def test_views(run_snippet, device):
    ns = run_snippet("tensors/views.py")
    assert ns.base.device.type == device
    expected = list(range(6))
    expected[0], expected[5] = 100, 500  # grid[0, 0] and row[2] are base[0] and base[5]
    assert ns.base.tolist() == expected
    assert ns.grid._base is ns.base and ns.row._base is ns.base
    assert same_storage(ns.grid, ns.base) and same_storage(ns.row, ns.base)
    assert not same_storage(ns.copy, ns.base) and ns.copy._base is None
    assert ns.copy.tolist() == [100, -1, 2, 3, 4, 500]
    assert "grid shares base's storage: True | row too: True" in ns.out
    assert "clone shares storage: False" in ns.out


def test_contiguity(run_snippet, device):
    ns = run_snippet("tensors/contiguity.py")
    assert ns.grid.device.type == device
    assert ns.grid.stride() == (3, 1) and ns.flipped.stride() == (1, 3)
    assert ns.grid.is_contiguous() and not ns.flipped.is_contiguous()
    assert same_storage(ns.flipped, ns.grid)
    assert same_storage(ns.flat_view, ns.grid) and not same_storage(ns.flat_copy, ns.grid)
    transposed_order = [ns.grid[i][j].item() for j in range(3) for i in range(2)]
    assert ns.flat_copy.tolist() == transposed_order == ns.packed.view(6).tolist()
    assert ns.packed.is_contiguous() and ns.packed.stride() == (2, 1)
    assert not same_storage(ns.packed, ns.grid)
    assert "contiguous() of a contiguous tensor is itself: True" in ns.out


def test_view_error(run_snippet, device, capsys):
    match = "view size is not compatible with input tensor's size and stride"
    with pytest.raises(RuntimeError, match=match) as excinfo:
        run_snippet("tensors/view_error.py")
    assert_raised_last(excinfo, "tensors/view_error.py")
    assert "stride (1, 3) contiguous False" in capsys.readouterr().out


def test_broadcasting(run_snippet, device):
    ns = run_snippet("tensors/broadcasting.py")
    assert ns.table.device.type == device and ns.table.shape == (3, 4)
    column, row = ns.column.flatten().tolist(), ns.row.tolist()
    assert ns.table.tolist() == [[c + r for r in row] for c in column]
    assert ns.stretched.stride() == (1, 0) and same_storage(ns.stretched, ns.column)
    assert "column (3, 1) + row (4,) -> (3, 4)" in ns.out
    assert "broadcast_shapes: (3, 4)" in ns.out
    assert "a scalar broadcasts to any shape: True" in ns.out


def test_broadcast_error(run_snippet, device):
    match = r"size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1"
    with pytest.raises(RuntimeError, match=match) as excinfo:
        run_snippet("tensors/broadcast_error.py")
    assert_raised_last(excinfo, "tensors/broadcast_error.py")
    with pytest.raises(RuntimeError):
        torch.broadcast_shapes((2, 3), (4,))


def test_broadcast_pitfall(run_snippet, device):
    with pytest.warns(UserWarning, match="different to the input size"):
        ns = run_snippet("tensors/broadcast_pitfall.py")
    assert ns.difference.shape == (3, 3) and ns.difference.device.type == device
    p, t = ns.prediction.flatten().tolist(), ns.target.tolist()
    every_pair = sum((a - b) ** 2 for a in p for b in t) / (len(p) * len(t))
    assert every_pair > 0
    shown = lines_by_label(ns.out, ":")
    assert float(shown["loss with the silent broadcast"]) == pytest.approx(every_pair, abs=1e-4)
    assert float(shown["loss with matching shapes"]) == 0.0


def test_in_place(run_snippet, device):
    ns = run_snippet("tensors/in_place.py")
    assert ns.t.device.type == device
    versions = [int(line.split("version")[1].split()[0]) for line in ns.out.splitlines()[:4]]
    assert versions == [0, 0, 1, 4]
    assert ns.u.tolist() == [2.0, 2.0, 2.0] and ns.u is not ns.t
    assert ns.same is ns.t
    assert ns.t.tolist() == [0.0, 0.0, 0.0]
    assert ns.t._version == ns.v._version == 5
    assert "after 3 more: [0.0, 7.0, 7.0]" in ns.out  # (2 * 3) + 1 = 7, then t[0] = 0


def test_numpy_bridge(run_snippet, device):
    ns = run_snippet("tensors/numpy_bridge.py")
    assert ns.shared.dtype == torch.float64 and ns.shared.device.type == "cpu"
    assert ns.array.tolist() == [10.0, 20.0, 3.0] == ns.shared.tolist()
    assert np.shares_memory(ns.shared.numpy(), ns.array)
    assert ns.copied.tolist() == [1.0, 2.0, 3.0] and not np.shares_memory(ns.copied.numpy(), ns.array)
    assert ns.cpu_tensor.tolist() == [0.0, 0.0, 7.0] and np.shares_memory(ns.view, ns.cpu_tensor.numpy())
    assert ns.on_device.device.type == device
    assert ns.result.tolist() == [0.0, 1.0, 2.0] and ns.result.dtype == np.float32
    ns.on_device.add_(1)  # the array follows the tensor only when .cpu() did not copy
    assert (ns.result[0] == 1.0) == (device == "cpu")
    if device == "cuda":  # the admonition's claim: NumPy cannot read GPU memory
        with pytest.raises(TypeError, match=r"Tensor\.cpu\(\)"):
            ns.on_device.numpy()


def test_cpu_cuda(run_snippet, device):
    ns = run_snippet("tensors/cpu_cuda.py")
    assert f"CUDA available: {device == 'cuda'}" in ns.out
    assert ns.x.device.type == device and ns.x.is_cuda == (device == "cuda")
    assert ns.host.device.type == "cpu" and not ns.host.is_cuda
    assert (ns.host is ns.x) == (device == "cpu")
    assert ns.back.device.type == device and ns.back.is_cuda == (device == "cuda")
    assert ns.total.tolist() == [1.0, 2.0, 3.0, 4.0] and ns.total.device.type == device
    assert ns.bias.device.type == "cpu"
    if device == "cuda":  # the admonition's claim: mixing devices in one op raises
        with pytest.raises(RuntimeError, match="same device"):
            ns.x + ns.bias


def test_promotion_limits(run_snippet, device):
    ns = run_snippet("tensors/promotion_limits.py")
    assert ns.scalar64.dim() == 0 and ns.vector64.dim() == 1
    assert ns.halves.device.type == device and ns.mixed.device.type == device
    shown = lines_by_label(ns.out, "->")
    expected = {
        "float16 + 0-dim float64": (ns.halves + ns.scalar64).dtype,
        "float16 + 1-dim float64": (ns.halves + ns.vector64).dtype,
        "int64   + 0-dim float64": (ns.ints + ns.scalar64).dtype,
        "int64 + float32": ns.mixed.dtype,
    }
    assert expected == {
        "float16 + 0-dim float64": torch.float16,  # same category: the 0-dim tensor does not widen
        "float16 + 1-dim float64": torch.float64,
        "int64   + 0-dim float64": torch.float64,  # higher category: it counts
        "int64 + float32": torch.float32,
    }
    for label, dtype in expected.items():
        assert shown[label] == str(dtype)
    # the page's comparison: a Python number behaves like the 0-dim tensor
    assert torch.result_type(ns.halves, 0.1) == torch.float16
    exact = 2**40 + 1
    assert ns.big.item() == exact and ns.big.dtype == torch.int64
    assert int(ns.mixed.item()) == 2**40 != exact  # rounded to the nearest float32
    assert int(torch.tensor(2**24, dtype=torch.float32).item()) == 2**24
    assert int(torch.tensor(2**24 + 1, dtype=torch.int64).float().item()) != 2**24 + 1
    assert f"as int64:         {exact}" in ns.out and f"after promotion:  {2**40}" in ns.out


def test_numpy_requires_grad(run_snippet, device, capsys):
    match = r"Can't call numpy\(\) on Tensor that requires grad"
    with pytest.raises(RuntimeError, match=match) as excinfo:
        run_snippet("tensors/numpy_requires_grad.py")
    assert_raised_last(excinfo, "tensors/numpy_requires_grad.py")
    out = capsys.readouterr().out
    assert "w.detach().cpu().numpy(): [1.0, 2.0] float32" in out
    assert "w.cpu().requires_grad: True" in out
    w = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
    host = w.cpu()
    assert (host is w) == (device == "cpu")
    if device == "cuda":
        assert host.grad_fn.name() == "ToCopyBackward0"
    # the prose: no check while grad mode is off, and the array then shares the tensor's memory
    with torch.no_grad():
        array = host.numpy()
    array[0] = 5.0
    assert host[0].item() == 5.0
    assert host.numpy(force=True).tolist() == [5.0, 2.0]
    assert w.numpy(force=True).tolist() == w.tolist()  # force=True: detach and copy to the CPU


def test_tensor_vs_Tensor(run_snippet, device):
    with pytest.warns(UserWarning, match=r"detach\(\)\.clone\(\)"):
        ns = run_snippet("tensors/tensor_vs_Tensor.py")
    assert ns.empty.shape == (3,) and ns.empty.dtype == torch.get_default_dtype() == torch.float32
    assert ns.three.shape == () and ns.three.dtype == torch.int64 and ns.three.item() == 3
    assert ns.three.device.type == device
    assert torch.Tensor([1, 2]).dtype == torch.float32 and torch.Tensor([1, 2]).tolist() == [1.0, 2.0]
    assert torch.tensor([1, 2]).dtype == torch.int64
    assert same_storage(ns.alias, ns.source) and ns.alias.dtype == ns.source.dtype == torch.int64
    assert not same_storage(ns.copy, ns.source)
    assert ns.source.tolist() == [100, 2] and ns.copy.tolist() == [1, 2]
    assert "torch.Tensor(3): (3,) torch.float32" in ns.out
    assert "torch.tensor(3): () torch.int64 value 3" in ns.out
    # the prose: no device other than the CPU
    assert torch.Tensor([1, 2], device="cpu").device.type == "cpu"
    for other in ["meta"] + (["cuda"] if device == "cuda" else []):
        with pytest.raises(RuntimeError, match="legacy constructor expects device type: cpu"):
            torch.Tensor([1, 2], device=other)


def test_seeding(run_snippet, device):
    ns = run_snippet("tensors/seeding.py")
    assert ns.devices == (["cpu", "cuda"] if device == "cuda" else ["cpu"])
    assert torch.initial_seed() == 1  # the snippet's last call...
    if device == "cuda":
        assert torch.cuda.initial_seed() == 1  # ...reseeded the GPU's generator too
    assert f"devices tried: {ns.devices}" in ns.out
    expected = torch.rand(3, generator=torch.Generator().manual_seed(0))  # an independent generator
    assert torch.equal(ns.draws["cpu"], expected) and ns.draws["cpu"].device.type == "cpu"
    for dev in ns.devices:
        first, again = ns.draw_twice(dev)
        assert torch.equal(first, again) and first.device.type == dev
        assert f"{dev:4} again:  {[round(v, 4) for v in first.tolist()]}  same: True" in ns.out
        assert f"{dev:4} generator seed: 0" in ns.out
    other = torch.rand(3, generator=torch.Generator().manual_seed(1))
    assert not torch.equal(other, expected)
    assert f"cpu  seed 1: {[round(v, 4) for v in other.tolist()]}" in ns.out
    if device == "cuda":
        torch.manual_seed(7)
        assert torch.cuda.initial_seed() == 7
        assert not torch.equal(ns.draws["cuda"].cpu(), ns.draws["cpu"])  # the page: other streams on a GPU
    else:
        assert "cuda" not in ns.out
