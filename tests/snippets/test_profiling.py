"""docs/profiling.md: backward nodes in the profiler, what anomaly mode and hooks add."""

import contextlib
import timeit
import warnings

import pytest
import torch


def test_backward_nodes_link_to_their_forward_ops(run_snippet, device):
    ns = run_snippet("profiling/backward_ops.py")
    rows = [line.split()[:3] for line in ns.out.splitlines()[1:]]
    nodes = [r[0] for r in rows]
    assert nodes[:3] == ["MeanBackward0", "PowBackward0", "AddmmBackward0"]
    assert nodes.count("AccumulateGrad") == len(list(ns.model.parameters()))
    assert nodes.index("ReluBackward0") < len(nodes) - 1 - nodes[::-1].index("AddmmBackward0")  # first layer last
    made_by = {r[0]: r[1:] for r in rows if r[0] != "AccumulateGrad"}
    assert made_by["MeanBackward0"] == ["aten::mean", "(loss)"]
    assert made_by["AddmmBackward0"] == ["aten::addmm", "(model)"]
    assert made_by["ReluBackward0"] == ["aten::relu", "(model)"]
    assert all(r[1:] == ["(a", "leaf)"] for r in rows if r[0] == "AccumulateGrad")
    assert "USDT" not in ns.out


def test_anomaly_mode_counts(run_snippet, device):
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        ns = run_snippet("profiling/anomaly_cost.py")
    lines = ns.out.splitlines()
    assert "stacks stored: 0 of 7 nodes" in lines[0] and "NaN checks:  0" in lines[0]
    assert "stacks stored: 7 of 7 nodes" in lines[1] and "NaN checks:  0" in lines[1]
    # one check per gradient a node returns: mean 1, pow 1, addmm 3, t 1, relu 1, addmm 2 (x needs none), t 1
    assert "stacks stored: 7 of 7 nodes" in lines[2] and "NaN checks: 10, values read back: 10" in lines[2]


def test_anomaly_mode_is_slower(device):
    """The timing the page leaves out of its output: min of repeats, a generous factor."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(*[m for _ in range(10) for m in (torch.nn.Linear(64, 64), torch.nn.ReLU())]).to(device)
    x = torch.randn(32, 64, device=device)

    def step(mode):
        with mode():
            model(x).square().mean().backward()
        torch.cuda.synchronize() if device == "cuda" else None

    modes = [contextlib.nullcontext, lambda: torch.autograd.detect_anomaly(check_nan=False), torch.autograd.detect_anomaly]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain, no_nan, nan = (min(timeit.repeat(lambda m=m: step(m), number=5, repeat=7)) for m in modes)
    assert no_nan > 2 * plain and nan > 2 * plain


def test_hooks_cost_python_calls_and_nodes(run_snippet, device):
    ns = run_snippet("profiling/hook_cost.py")
    lines = ns.out.splitlines()
    n_params = len(ns.params)
    assert lines[0].endswith("Python calls: 0, nodes run: 11")
    assert lines[1].endswith(f"Python calls: {n_params}, nodes run: 11")
    assert lines[2].endswith(f"Python calls: {n_params}, nodes run: 11")
    assert lines[3].endswith("Python calls: 2, nodes run: 15 (4 added)")
    for p in ns.params:  # every hook was removed again
        assert not p._backward_hooks and not p._post_accumulate_grad_hooks
