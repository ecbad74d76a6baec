"""docs/memory.md: saved-tensor bytes, the profiler's memory view, kept graphs, checkpointing."""

import re

import pytest
import torch

F32 = 4  # bytes per float32 element


def test_saved_bytes_per_layer(run_snippet, device):
    ns = run_snippet("memory/saved_per_layer.py")
    rows = 32
    expected = {
        "0": rows * 128 * F32,  # Linear's input only: x needs no grad, the weight is a parameter
        "1": rows * 512 * F32 + 2 * rows * F32,  # LayerNorm: input, mean, rstd
        "2": rows * 512 * F32,  # GELU: its input
        "4": rows * 512 * F32,  # Linear: its input (Dropout's output)
        "loss": rows * 10 * F32 + rows * 8 + F32,  # log-probabilities, int64 targets, total weight
    }
    for name, nbytes in expected.items():
        assert ns.per_layer[name] == nbytes, name
    # Dropout's mask: float32 on the CPU; another backend may keep it smaller
    assert 0 < ns.per_layer["3"] <= rows * 512 * F32
    activations = sum(ns.per_layer.values())
    assert ns.out.splitlines()[-2] == f"activation bytes kept for backward: {activations}"
    params = (128 * 512 + 512 + 2 * 512 + 512 * 10 + 10) * F32  # Linear, LayerNorm, Linear
    assert ns.out.splitlines()[-1] == f"parameter bytes, for comparison:    {params}"
    # the page: at 32 rows the activations are below the parameters; at 64 (all but 4 bytes double), above
    assert activations < params < 2 * (activations - F32) + F32
    assert ns.loss.device.type == device


def test_profiler_memory(run_snippet, device):
    ns = run_snippet("memory/profiler_memory.py")
    assert "USDT" not in ns.out and "STAGE" not in ns.out
    assert ns.events["aten::mm"].count == 5  # 3 weight gradients, 2 input gradients (x needs none)
    if device == "cpu":  # the CPU allocator's view: CUDA tensors do not show up in it
        kept = 2 * 256 * 512 * F32 + 256 * 10 * F32 + F32  # the ReLU outputs, the last output, the loss
        assert ns.events["forward"].cpu_memory_usage == kept
        grads = sum(p.numel() for p in ns.model.parameters()) * F32
        assert ns.events["backward"].cpu_memory_usage == grads - (kept - F32)  # the loss stays
        assert f"forward  net CPU memory: {kept:>8} bytes" in ns.out


def test_stored_outputs_keep_graphs(run_snippet, device):
    ns = run_snippet("memory/kept_alive.py")
    lines = ns.out.splitlines()
    per_graph = 32 * 64 * F32 + 32 * 256 * F32  # Linear 1's input, tanh's output (Linear 2's input)
    assert lines[0].split()[-6] == str(5 * per_graph)
    assert lines[1].split()[-2] == "0"
    # per step: mean, pow, addmm, t, tanh, addmm, t and the addition to total; 4 AccumulateGrad shared
    assert ns.nodes(ns.total.grad_fn, set()) == 5 * 8 + 4
    assert lines[2].split()[6] == "0"
    assert ns.total.item() == pytest.approx(sum(ns.model(x).square().mean().item() for x in ns.batches), rel=1e-5)


def test_reentrant_checkpoint_loses_the_block_gradients(run_snippet, device, recwarn):
    ns = run_snippet("memory/reentrant_pitfalls.py")
    messages = [str(w.message) for w in recwarn]
    assert any("None of the inputs have requires_grad=True" in m for m in messages)
    assert any("use_reentrant parameter should be passed explicitly" in m for m in messages)
    lines = ns.out.splitlines()
    assert lines[1].split() == "block gets a gradient: False head gets a gradient: True".split()
    assert lines[3].split() == lines[1].split()  # the default is the reentrant variant
    assert lines[5].split() == "block gets a gradient: True head gets a gradient: True".split()
    assert ns.model.block[0].weight.grad.device.type == device


def test_reentrant_checkpoint_refuses_autograd_grad(run_snippet, device):
    with pytest.raises(RuntimeError, match=r"compatible with \.grad\(\)"):
        run_snippet("memory/reentrant_grad_error.py")


def test_checkpoint_memory(run_snippet, device):
    ns = run_snippet("memory/checkpoint_memory.py")
    act = 64 * 256 * F32
    # (bytes, tensors): x and 8 ReLU outputs; x only; n - 1 segment inputs + the last segment's
    expected = [9, 1, 1 + 1 + 4, 3 + 1 + 2, 7 + 1 + 1]
    for line, count in zip(ns.out.splitlines(), expected, strict=True):
        assert re.search(rf"keeps\s+{count * act} bytes in\s+{count} tensors$", line), line


def test_selective_checkpoint_recomputes_no_matmul(run_snippet, device):
    ns = run_snippet("memory/selective_checkpoint.py")
    matmul = 2 * 64 * 256 * 256  # FLOPs of one (64, 256) @ (256, 256)
    numbers = [[float(v) for v in re.findall(r"(\d+\.\d) MFLOP", line)] for line in ns.out.splitlines()[:3]]
    plain, full, selective = numbers
    assert plain == [round(4 * matmul / 1e6, 1), round(8 * matmul / 1e6, 1)]
    assert full == [plain[0], round(12 * matmul / 1e6, 1)]  # the forward's 4 matmuls again
    assert selective == plain
    # the policy kept the 4 matrix products' outputs and recomputed only the ReLUs
    assert dict(ns.decisions) == {("saved", "addmm"): 4, ("recomputed", "relu"): 4}
    assert ns.out.splitlines()[-2:] == ["selective, saved      4 × addmm", "selective, recomputed 4 × relu"]


def test_cuda_memory_history(run_snippet, device):
    ns = run_snippet("memory/cuda_memory_history.py")
    if device == "cpu":
        assert ns.out == "torch.cuda.memory._record_memory_history needs CUDA: nothing recorded\n"
        assert ns.allocs == []
    else:
        assert ns.allocs and "allocations" in ns.out
        assert sum(ns.size.values()) == sum(e["size"] for e in ns.allocs)
    assert ns.loss.device.type == device
