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
    assert lines[0].endswith("hook calls: 0, nodes run: 11")
    assert lines[1].endswith(f"hook calls: {n_params}, nodes run: 11")
    assert lines[2].endswith(f"hook calls: {n_params}, nodes run: 11")
    assert lines[3].endswith("hook calls: 1, nodes run: 11")  # the multi-grad hook: one call per backward
    assert lines[4].endswith("hook calls: 2, nodes run: 15 (4 added)")
    for p in ns.params:  # every hook was removed again
        assert not p._backward_hooks and not p._post_accumulate_grad_hooks
    handle = torch.autograd.graph.register_multi_grad_hook(ns.params, lambda grads: None)
    assert all(len(p._backward_hooks) == 1 for p in ns.params)  # built from one tensor hook per parameter
    handle.remove()


def test_hook_cost_ordering(device):
    """The page's advice, timed: hooks on every module's full backward cost far more than tensor hooks
    on every parameter or one multi-grad hook (which is built from tensor hooks); min of repeats."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(*[m for _ in range(20) for m in (torch.nn.Linear(16, 16), torch.nn.ReLU())]).to(device)
    x, params = torch.randn(8, 16, device=device), list(model.parameters())

    def step():
        model(x).square().mean().backward()
        torch.cuda.synchronize() if device == "cuda" else None

    variants = {
        "none": lambda: [],
        "tensor": lambda: [p.register_hook(lambda g: None) for p in params],
        "multi": lambda: [torch.autograd.graph.register_multi_grad_hook(params, lambda grads: None)],
        "module": lambda: [m.register_full_backward_hook(lambda *args: None) for m in model[1:]],
    }
    times = {}
    for name, add in variants.items():
        handles = add()
        times[name] = min(timeit.repeat(step, number=20, repeat=7))
        for handle in handles:
            handle.remove()
    assert times["module"] > 1.5 * times["tensor"] and times["module"] > 1.5 * times["multi"]
    assert times["module"] > 1.5 * times["none"]


def test_full_backward_hook_on_the_first_layer_warns(device):
    """Why the snippet hooks layers 1 and 2 only: layer 0's input needs no gradient."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1)).to(device)
    seen = []
    model[0].register_full_backward_hook(lambda module, grad_input, grad_output: seen.append(grad_input))
    with pytest.warns(UserWarning, match="Full backward hook is firing when gradients are computed with respect to module outputs"):
        model(torch.randn(4, 8, device=device)).square().mean().backward()
    assert seen == [(None,)]
