"""docs/distributed.md: two DDP ranks over gloo; rank 0 runs in the test process, rank 1 in a child."""

import sys

import pytest
import torch
import torch.nn.functional as F


@pytest.fixture(autouse=True)
def _restore_excepthook(monkeypatch):
    """init_process_group installs an excepthook that prefixes tracebacks with [rankN]:."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


def batch(seed, device):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(4, 3, generator=g).to(device), torch.randn(4, 1, generator=g).to(device)


def linear_grad(batches, device):
    """d(mean squared error over all the samples)/d(weight) of Linear(3, 1) seeded 0, one process."""
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1).to(device)
    x = torch.cat([b[0] for b in batches])
    y = torch.cat([b[1] for b in batches])
    return torch.autograd.grad(F.mse_loss(model(x), y), model.weight)[0]


def test_ddp_averages_to_the_full_batch_gradient(run_snippet, device):
    ns = run_snippet("distributed/averaged.py")
    assert ns.ddp_grad.device.type == device
    full = linear_grad([batch(100, device), batch(110, device)], device)  # 8 samples at once
    assert torch.allclose(ns.ddp_grad, full, atol=1e-6)
    assert not torch.allclose(ns.local[0], ns.local[1])  # the ranks really had different gradients
    assert torch.allclose(ns.ddp_grad, (ns.local[0] + ns.local[1]) / 2, atol=1e-6)
    assert ns.out.splitlines()[-1] == f"the 8 samples as one: {full}"  # the same computation, printed


def test_no_sync_accumulates_locally_then_reduces_the_sum(run_snippet, device):
    ns = run_snippet("distributed/no_sync.py")
    own = linear_grad([batch(100, device)], device)  # rank 0, micro-batch 0
    assert torch.allclose(ns.after_first, own, atol=1e-6)
    sums = [linear_grad([batch(100 + 10 * r, device)], device) + linear_grad([batch(101 + 10 * r, device)], device)
            for r in (0, 1)]
    assert torch.allclose(ns.after_second, (sums[0] + sums[1]) / 2, atol=1e-6)
    assert not torch.allclose(ns.after_second, sums[0])


def test_comm_hook_runs_once_and_rounds_through_bfloat16(run_snippet, device):
    ns = run_snippet("distributed/comm_hook.py")
    assert ns.calls == [[(1, 3), (1,)]]  # one bucket, one call: none for the no_sync backward
    local = [linear_grad([batch(100 + 10 * r, device)], device) for r in (0, 1)]
    exact = (local[0] + local[1]) / 2
    hooked = ns.model.weight.grad
    assert not torch.equal(hooked, exact)
    assert torch.allclose(hooked, exact, rtol=2**-7, atol=0)  # bfloat16 keeps 8 significant bits
    halves = [(g.to(torch.bfloat16) / 2) for g in local]
    assert torch.equal(hooked, (halves[0] + halves[1]).float())


def test_unused_parameter_raises_at_the_next_forward(run_snippet, device, snippet_globals, capsys):
    with pytest.raises(RuntimeError, match="Expected to have finished reduction in the prior iteration") as info:
        run_snippet("distributed/unused_error.py")
    assert "Parameter indices which did not receive grad for rank 0: 4 5" in str(info.value)
    assert "find_unused_parameters=True" in str(info.value)
    # iteration 1 left each rank with its own gradient: rank 0's, not the mean of the two
    two_heads = snippet_globals(info, "unused_error.py")["TwoHeads"]
    own = []
    for rank in (0, 1):
        torch.manual_seed(0)
        model = two_heads().to(device)
        x = torch.randn(4, 3, generator=torch.Generator().manual_seed(100 + rank)).to(device)
        own.append(torch.autograd.grad(model(x).sum(), model.main.weight)[0])
    assert not torch.allclose(own[0], (own[0] + own[1]) / 2)
    assert capsys.readouterr().out == "iteration 1 left rank 0 its own gradient: True\n"


def test_find_unused_parameters_leaves_unused_grads_none(run_snippet, device):
    ns = run_snippet("distributed/find_unused.py")
    assert ns.grads["aux.weight"] is None and ns.grads["aux.bias"] is None
    assert ns.grads["main.weight"].device.type == device
    # the used parameters got the mean of the two ranks' gradients (of the last of the 3 steps)
    torch.manual_seed(0)
    model = ns.TwoHeads().to(device)
    xs = [torch.randn(4, 3, generator=torch.Generator().manual_seed(100 + r)).to(device) for r in (0, 1)]
    local = [torch.autograd.grad(model(x).sum(), model.main.weight)[0] for x in xs]
    assert torch.allclose(ns.grads["main.weight"], (local[0] + local[1]) / 2, atol=1e-6)
    assert ns.out.startswith("3 steps ran; aux.weight.grad: None ")


def test_reentrant_checkpoint_twice_raises(run_snippet, device):
    with pytest.raises(RuntimeError, match="Expected to mark a variable ready only once") as info:
        run_snippet("distributed/checkpoint_error.py")
    assert "has been marked as ready twice" in str(info.value)


def test_static_graph_and_non_reentrant_give_the_mean(run_snippet, device):
    ns = run_snippet("distributed/static_graph.py")
    ddp = {k: v for k, v in ns.grads.items() if k.startswith("use_reentrant")}
    assert set(ddp) == {"use_reentrant=True, static_graph=True", "use_reentrant=False, static_graph=False"}
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Linear(3, 3)).to(device)
    # the second layer is used twice: its gradient is the sum of both uses, averaged over the ranks
    xs = [x.to(device) for x in ns.batches]
    local = [torch.autograd.grad(model[1](model[1](model[0](x))).sum(), model[1].weight)[0] for x in xs]
    for grad in ddp.values():
        assert grad.device.type == device
        assert torch.allclose(grad, (local[0] + local[1]) / 2, atol=1e-6)
    assert not torch.allclose(local[0], local[1])
