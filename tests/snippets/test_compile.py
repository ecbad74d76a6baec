"""docs/compile.md: compiled gradients against eager ones and against formulas by hand."""

import pytest
import torch


pytestmark = pytest.mark.usefixtures("fresh_dynamo")


def test_graph_break(run_snippet, device):
    ns = run_snippet("compile/graph_break.py")
    # first call: the condition, then the branch taken; second call: the other branch; third: nothing new
    assert ns.graphs == [["sum", "gt"], ["mul"], ["sub"]]
    lines = ns.out.splitlines()
    # capture and execution alternate: graph 1 runs before graph 2 reaches the backend
    assert lines[0].split(": ", 1)[1].startswith("capture 1 ['sum', 'gt'], run 1, capture 2 ['mul'], run 2;")
    assert lines[1].split(": ", 1)[1].startswith("run 1, capture 3 ['sub'], run 3;")
    assert lines[2].split(": ", 1)[1].startswith("run 1, run 2;")  # nothing captured: both graphs reused
    assert ns.events == ["run 1", "run 2"]
    assert ns.x.device.type == device
    assert ns.x.grad.tolist() == [2.0, 2.0]  # x * 2 was taken for [3, 4]
    assert (ns.explanation.graph_count, ns.explanation.graph_break_count) == (2, 1)
    (reason,) = ns.explanation.break_reasons
    assert "if x.sum() > 0" in reason.user_stack[-1].line
    assert lines[1].endswith("x.grad = [1.0, 1.0]")  # x - 1 for negative inputs
    # the plain function, run eagerly, agrees with what the compiled graphs computed
    assert ns.f(torch.tensor([1.0, 2.0])).tolist() == [2.0, 4.0]
    assert ns.f(torch.tensor([-1.0, -2.0])).tolist() == [-2.0, -3.0]


def test_same_gradients(run_snippet, device):
    ns = run_snippet("compile/same_gradients.py")
    assert ns.weight.device.type == device
    # by hand: the gradient of mean((W2 tanh(W1 x + b1) + b2)^2) with respect to W1
    l1, l2 = ns.model[0], ns.model[2]
    h = torch.tanh(ns.x @ l1.weight.T + l1.bias)
    y = h @ l2.weight.T + l2.bias
    dy = 2 * y / y.numel()
    dpre = (dy @ l2.weight) * (1 - h**2)
    expected = (dpre.T @ ns.x).detach()
    assert torch.allclose(ns.eager_first, expected, atol=1e-6)
    assert torch.allclose(ns.comp_first, expected, atol=1e-6)
    assert torch.allclose(ns.comp_sum, 2 * expected, atol=1e-6)
    assert ns.eager_hooks == 2 and len(ns.hook_calls) == 4
    assert not ns.out_eager.requires_grad and not ns.out_comp.requires_grad
    assert ns.out.splitlines()[-1] == "grad_fn compiled: CompiledFunctionBackward"


def test_aot_graphs(run_snippet, device):
    ns = run_snippet("compile/aot_graphs.py")
    lines = ns.out.splitlines()
    # partitioned and forward-compiled at the first call; the backward compiler runs only inside backward()
    assert [line.split(":")[0] for line in lines] == [
        "partitioner",
        "forward compiler",
        "forward done, loss.grad_fn",
        "backward compiler",
        "w.grad equals eager",
    ]
    assert lines[0] == "partitioner: forward of 5 ops returning 3 tensors, backward of 5 ops"
    assert "'sin.default'" in lines[1] and "'cos.default'" in lines[3]
    assert lines[2].endswith("CompiledFunctionBackward")
    # d/dw sum(2 sin(x w)) = x^T (2 cos(x w))
    assert torch.allclose(ns.w.grad, ns.x.T @ (2 * torch.cos(ns.x @ ns.w.detach())), atol=1e-6)


def test_backward_compile_time(run_snippet, device):
    ns = run_snippet("compile/backward_compile_time.py")
    static, dynamic = ns.out.splitlines()
    assert static == "dynamic=False: forward compiler -> forward ran -> backward compiler -> backward ran" + (
        " | same gradient as eager: True"
    )
    assert dynamic == "dynamic=True: forward compiler -> backward compiler -> forward ran -> backward ran" + (
        " | same gradient as eager: True"
    )
    assert ns.w.grad.device.type == device
    assert torch.allclose(ns.w.grad, ns.x.T @ (2 * torch.cos(ns.x @ ns.w.detach())), atol=1e-5)


def test_saved_tensors(run_snippet, device):
    ns = run_snippet("compile/saved_tensors.py")
    counts = [int(line.split(" saves ")[1].split(":")[0]) for line in ns.out.splitlines() if " saves " in line]
    # eager: x for mm, mm's result for sin, h for cos, h.cos() and h for the product
    assert counts[0] == 5
    assert counts[2] < counts[1] <= counts[0]  # min-cut saves least
    assert ns.saved == [(8, 3), (4, 8)]  # the last run: mm's result and x transposed
    assert ns.out.count("same gradient as eager: True") == 3
    h = torch.sin(ns.x @ ns.w.detach())
    dh = h.cos() - h * h.sin()  # d/dh (cos(h) h)
    expected = ns.x.T @ (dh * (ns.x @ ns.w.detach()).cos())
    assert torch.allclose(ns.w.grad, expected, atol=1e-5)


def test_hooks_inside(run_snippet, device):
    ns = run_snippet("compile/hooks_inside.py")
    # y = 2x, the hook scales dy by 10: d(y^2)/dy * 10 * dy/dx = 4x * 10 * 2 = 80x
    expected = (80 * ns.x.detach()).tolist()
    assert ns.eager.tolist() == expected and ns.compiled.tolist() == expected
    assert ns.seen == [(2,), (2,)]  # the logging hook ran in the eager and the compiled backward
    assert "pure_hook: graphs 1, breaks 0" in ns.out
    assert "logging_hook: graphs 2, breaks 1" in ns.out


def test_retain_grad_fullgraph(run_snippet, device, snippet_globals):
    with pytest.raises(torch._dynamo.exc.Unsupported, match="retain_grad") as excinfo:
        run_snippet("compile/retain_grad_fullgraph.py")
    g = snippet_globals(excinfo, "retain_grad_fullgraph.py")
    with torch.compiler.set_stance("force_eager"):  # uncompiled, retain_grad works
        loss, y = g["f"](g["x"])
    loss.backward()
    assert torch.equal(y.grad, 2 * y.detach())  # d(y^2)/dy


def test_module_hook_fullgraph(run_snippet, device):
    with pytest.raises(torch._dynamo.exc.Unsupported, match="require compiled autograd"):
        run_snippet("compile/module_hook_fullgraph.py")


def test_compiled_autograd(run_snippet, device):
    ns = run_snippet("compile/compiled_autograd.py")
    assert ns.eager_calls == ns.calls == ["tensor hook", "module hook"]
    # loss = sum((x W^T + b)^2): d/dx = 2 (x W^T + b) W
    w, b = ns.layer.weight.detach(), ns.layer.bias.detach()
    expected = 2 * (ns.x.detach() @ w.T + b) @ w
    assert torch.allclose(ns.x.grad, expected, atol=1e-6)
    assert torch.allclose(ns.eager_grad, expected, atol=1e-6)
    assert ns.counters["compiled_autograd"]["captures"] == 1


def test_compiled_autograd_twice_in_one_process(run_snippet, device):
    """Two runs in one test process (as two device cases of a test are) are two programs:
    each run's hooks fill that run's own list, under compiled autograd too."""
    first = run_snippet("compile/compiled_autograd.py")
    first.calls[:] = ["left over from the first run"]
    second = run_snippet("compile/compiled_autograd.py")
    assert second.eager_calls == second.calls == ["tensor hook", "module hook"]
    assert first.calls == ["left over from the first run"]  # the second run did not write into it
    assert second.counters["compiled_autograd"]["captures"] == 1
