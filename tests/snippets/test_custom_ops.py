"""docs/custom_ops.md: the custom operator against torch.sin, and what each subsystem does with it."""

import numpy as np
import pytest
import torch
from torch.autograd.gradcheck import GradcheckError


pytestmark = pytest.mark.usefixtures("fresh_dynamo")


def test_no_autograd(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="no autograd formula was registered"):
        run_snippet("custom_ops/no_autograd.py")
    out = capsys.readouterr().out
    assert "plain NumPy result requires grad: False" in out
    assert "custom op result requires grad: True" in out
    expected = [round(v, 4) for v in np.sin([0.5, 1.0, 2.0]).tolist()]
    assert f"forward: {expected}" in out


def test_register_autograd(run_snippet, device):
    ns = run_snippet("custom_ops/register_autograd.py")
    assert ns.x.device.type == device
    assert torch.allclose(ns.numpy_sin(ns.x), torch.sin(ns.x))
    assert torch.allclose(ns.dx, torch.cos(ns.x.detach()))
    assert torch.allclose(ns.ddx, -torch.sin(ns.x.detach()))
    assert ns.ddx.grad_fn is None and ns.dx.grad_fn is not None


def test_no_fake_compile(run_snippet, device, snippet_globals):
    with pytest.raises(torch._dynamo.exc.TorchRuntimeError, match="no fake impl registered") as excinfo:
        run_snippet("custom_ops/no_fake_compile.py")
    f = snippet_globals(excinfo, "no_fake_compile.py")["f"]
    x = torch.tensor([0.5, 1.0, 2.0], device=device)
    with torch.compiler.set_stance("force_eager"):  # the same function runs fine uncompiled
        assert torch.allclose(f(x), 2 * x.sin())


def test_register_fake(run_snippet, device):
    ns = run_snippet("custom_ops/register_fake.py")
    assert ns.m.device.type == "meta"
    assert ns.numpy_calls == [(2, 3)]  # only the real tensor ran NumPy
    assert ns.fake_result.shape == (1000, 3) and ns.fake_result.device.type == "meta"
    assert ns.real_result.device.type == device
    assert torch.allclose(ns.real_result, torch.full((2, 3), 1.0, device=device).sin())
    assert ns.out.splitlines()[0].endswith("NumPy calls so far: 0")


def test_opcheck(run_snippet, device):
    ns = run_snippet("custom_ops/opcheck.py")
    assert ns.x.dtype == torch.float64 and ns.x.device.type == device
    assert ns.result == {
        "test_schema": "SUCCESS",
        "test_autograd_registration": "SUCCESS",
        "test_faketensor": "SUCCESS",
        "test_aot_dispatch_dynamic": "SUCCESS",
    }
    (grad,) = torch.autograd.grad(ns.numpy_sin(ns.x).sum(), ns.x)
    assert torch.allclose(grad, ns.x.detach().cos())


def test_opcheck_passes_a_wrong_backward_gradcheck_does_not(run_snippet, device, capsys):
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        run_snippet("custom_ops/opcheck_wrong_backward.py")
    assert "opcheck: ['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']" in capsys.readouterr().out


def test_opcheck_no_autograd(run_snippet, device, capsys, snippet_globals):
    from torch.testing._internal.optests.generate_tests import OpCheckError

    with pytest.raises(OpCheckError, match="test_aot_dispatch_dynamic failed with") as excinfo:
        run_snippet("custom_ops/opcheck_no_autograd.py")
    assert "no autograd formula was registered" in str(excinfo.value.__cause__)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split() for line in lines] == [
        ["test_schema", "SUCCESS"],
        ["test_autograd_registration", "SUCCESS"],  # passes with no derivative registered
        ["test_faketensor", "SUCCESS"],
    ]
    # registering the derivative is what the fourth test was missing
    ns = snippet_globals(excinfo, "opcheck_no_autograd.py")
    op, x = ns["numpy_sin"], ns["x"]
    op.register_autograd(lambda ctx, grad: grad * ctx.saved_tensors[0].cos(),
                         setup_context=lambda ctx, inputs, output: ctx.save_for_backward(inputs[0]))
    assert set(torch.library.opcheck(op, (x,)).values()) == {"SUCCESS"}


def _sin_times_x_grad(x):
    """d/dx sum(sin(x) * x) = cos(x) * x + sin(x), by hand."""
    x = x.detach()
    return x.cos() * x + x.sin()


def test_compile_fullgraph(run_snippet, device):
    ns = run_snippet("custom_ops/compile_fullgraph.py")
    assert ns.x.device.type == device
    assert (ns.explanation.graph_count, ns.explanation.graph_break_count) == (1, 0)
    targets = [getattr(n.target, "__name__", n.target) for n in ns.nodes]
    assert "numpy_sin.default" in targets and "sin" not in targets  # the op stays one opaque node
    assert torch.allclose(ns.eager, _sin_times_x_grad(ns.x))
    assert torch.allclose(ns.compiled, ns.eager)


def test_function_numpy_traced(run_snippet, device):
    ns = run_snippet("custom_ops/function_numpy_traced.py")
    assert (ns.explanation.graph_count, ns.explanation.graph_break_count) == (1, 0)
    assert "wrapped_sin" in ns.ops(ns.graph.fwd_body_0)  # np.sin became a PyTorch operation
    assert "cos" in ns.ops(ns.graph.bwd_body_0)
    assert torch.allclose(ns.eager, _sin_times_x_grad(ns.x))
    assert torch.allclose(ns.compiled, ns.eager)


def test_function_graph_break(run_snippet, device):
    ns = run_snippet("custom_ops/function_graph_break.py")
    assert ns.explanation.graph_break_count >= 1
    assert ns.explanation.graph_count == ns.explanation.graph_break_count + 1
    assert "unsupported" in ns.first.reason
    assert "np.interp" in ns.first.user_stack[-1].line
    x = ns.x.detach().cpu()
    # the table is exact at the knots and linear between them
    knots = torch.arange(5.0)
    assert torch.equal(ns.LookupSquare.apply(knots), knots**2)
    # f = sum(table(2x) + 1): slope of x**2 on [k, k + 1] is 2k + 1, times the inner 2
    expected = 2 * (2 * torch.floor(2 * x) + 1)
    assert torch.equal(ns.eager.cpu(), expected)
    assert torch.equal(ns.compiled.cpu(), expected)


def test_vmap_fallback(run_snippet, device, tmp_path):
    import os
    import warnings

    stderr_before = os.fstat(2).st_ino
    ns = run_snippet("custom_ops/vmap_fallback.py")
    assert os.fstat(2).st_ino == stderr_before  # the snippet put file descriptor 2 back
    assert ns.batch.device.type == device
    assert torch.allclose(ns.result, torch.sin(ns.batch))
    assert ns.numpy_calls == [(3,)] * 4  # one call per row: the fallback loop
    assert ns.warning.startswith("[W")  # c10's log prefix, with a timestamp: why the snippet cuts it
    assert ns.out.splitlines()[-1] == (
        "warning: There is a performance drop because we have not yet implemented the batching rule for mylib::numpy_sin"
    )
    # the page: Python's warnings module never sees it; it goes straight to file descriptor 2
    with open(tmp_path / "stderr", "w+b") as err, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saved = os.dup(2)
        os.dup2(err.fileno(), 2)
        try:
            torch.vmap(ns.numpy_sin)(ns.batch)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        err.seek(0)
        assert b"There is a performance drop" in err.read()
    assert caught == []


def test_vmap_rule(run_snippet, device):
    ns = run_snippet("custom_ops/vmap_rule.py")
    assert ns.batch.device.type == device
    assert torch.allclose(ns.result, torch.sin(ns.batch))
    assert ns.numpy_calls == [(4, 3)]  # one call for the whole batch, not one per row


def test_plain_pytorch(run_snippet, device):
    ns = run_snippet("custom_ops/plain_pytorch.py")
    assert (ns.explanation.graph_count, ns.explanation.graph_break_count) == (1, 0)
    x = ns.x.detach()
    assert torch.allclose(ns.dx, x.cos() * x + x.sin())
    assert torch.allclose(ns.ddx, 2 * x.cos() - x * x.sin())
    assert torch.allclose(torch.vmap(ns.f)(ns.rows), (ns.rows.sin() * ns.rows).sum(dim=1))
    assert ns.out.splitlines()[1:] == ["vmap matches a loop: True", "second derivative correct: True"]
