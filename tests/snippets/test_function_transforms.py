"""docs/function_transforms.md: custom Functions under torch.func (vmap, grad, jvp, jacfwd, hessian) and autocast."""

from types import SimpleNamespace

import pytest
import torch


def _grad(fn, x):
    """Autograd's gradient of fn(x).sum() with respect to a fresh copy of x."""
    x = x.detach().clone().requires_grad_()
    (g,) = torch.autograd.grad(fn(x).sum(), x)
    return g


def test_vmap_support(run_snippet, device):
    ns = run_snippet("function_transforms/vmap_support.py")
    assert ns.batched.device.type == device and ns.batched.shape == (4,)
    assert torch.allclose(ns.batched, (ns.batch**3).sum(dim=1))
    assert torch.allclose(ns.per_sample_grads, torch.func.vmap(torch.func.grad(lambda r: (r**3).sum()))(ns.batch))
    assert ns.second.item() == pytest.approx(18.0)
    assert "vmap == loop: True" in ns.out and "grad == 3x**2: True" in ns.out


def test_func_needs_setup_context(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="must override the setup_context staticmethod"):
        run_snippet("function_transforms/func_needs_setup_context.py")
    assert capsys.readouterr().out == "backward() works: True\n"


def test_func_grad_without_vmap_rule(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="does not have vmap support.*generate_vmap_rule=True"):
        run_snippet("function_transforms/func_grad_no_vmap_rule.py")
    lines = capsys.readouterr().out.splitlines()
    x = torch.tensor([1.0, 2.0, 3.0])
    assert lines[0].split(":", 1)[1].strip() == str((3 * x**2).tolist())
    assert lines[1].split(":", 1)[1].strip() == str(torch.diag(3 * x**2).tolist())
    assert float(lines[2].split(":")[1]) == 6 * 2.0
    assert len(lines) == 3  # vmap raised


def _total(fn):
    return lambda t: fn(t).sum()


def test_forward_mode_missing(run_snippet, device, capsys):
    with pytest.raises(NotImplementedError, match="You must implement the jvp function"):
        run_snippet("function_transforms/forward_mode_missing.py")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "jacrev, diagonal: [3.0, 12.0, 27.0]"  # 3x**2 at 1, 2, 3
    assert lines[1:] == [f"{name}: You tried to vmap over Cube, but it does not have vmap support" for name in ("jacfwd", "hessian")]


def test_forward_mode_needs_both_parts(run_snippet, device):
    """The page: jacfwd and hessian need the jvp staticmethod and a vmap rule; jvp reads save_for_forward."""
    Cube = run_snippet("function_transforms/forward_mode_jvp.py").Cube
    x = torch.tensor([1.0, 2.0, 3.0], device=device)
    no_rule = type("NoRule", (Cube,), {"generate_vmap_rule": False})
    assert torch.func.jvp(no_rule.apply, (x,), (torch.ones_like(x),))[1].tolist() == [3.0, 12.0, 27.0]
    with pytest.raises(RuntimeError, match="does not have vmap support"):
        torch.func.jacfwd(no_rule.apply)(x)
    no_jvp = type("NoJvp", (Cube,), {"jvp": staticmethod(torch.autograd.Function.jvp)})
    with pytest.raises(NotImplementedError, match="You must implement the jvp function"):
        torch.func.jacfwd(no_jvp.apply)(x)
    with pytest.raises(NotImplementedError, match="You must implement the jvp function"):
        torch.func.hessian(_total(no_jvp.apply))(x)

    def setup_backward_only(ctx, inputs, output):
        ctx.save_for_backward(*inputs)

    backward_only = type("BackwardOnly", (Cube,), {"setup_context": staticmethod(setup_backward_only)})
    with pytest.raises(ValueError, match="not enough values to unpack"):  # jvp sees no saved tensors
        torch.func.jvp(backward_only.apply, (x,), (torch.ones_like(x),))


def test_forward_mode_jvp(run_snippet, device):
    ns = run_snippet("function_transforms/forward_mode_jvp.py")
    x, v = ns.x, ns.v
    assert x.device.type == device
    cube = lambda t: t**3  # noqa: E731
    expected_jvp = torch.func.jvp(cube, (x,), (v,))[1]
    lines = [line.split(":", 1)[1].strip() for line in ns.out.splitlines()]
    assert lines[0] == lines[1] == str(expected_jvp.tolist())
    assert lines[2] == str(torch.func.jacfwd(cube)(x).diagonal().tolist())
    assert lines[3] == str(torch.func.hessian(_total(cube))(x).diagonal().tolist())
    assert torch.equal(torch.func.hessian(ns.total)(x), torch.diag(6 * x))  # off the diagonal too


def test_amp_backward_dtype(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="to have the same dtype"):
        run_snippet("function_transforms/amp_backward_dtype.py")
    assert capsys.readouterr().out.splitlines() == [
        "forward output: torch.bfloat16",
        "backward: grad_output torch.bfloat16 | b torch.float32",
    ]


def test_amp_custom_fwd_bwd(run_snippet, device):
    ns = run_snippet("function_transforms/amp_custom_fwd_bwd.py")
    assert ns.a.device.type == device
    assert ns.out.splitlines() == [
        "backward: autocast on: True",
        "gradients: torch.float32 torch.float32",
        "same as the built-in matmul: True True",
    ]
    # the bfloat16 backward is close to the float32 one, not equal to it
    ones = torch.ones(4, 2, device=device)
    assert torch.allclose(ns.a.grad, ones @ ns.b.detach().T, rtol=1e-2, atol=1e-2)
    assert torch.allclose(ns.b.grad, ns.a.detach().T @ ones, rtol=1e-2, atol=1e-2)


def test_amp_decorators_need_the_combined_style(run_snippet, device, snippet_globals):
    """custom_fwd takes ctx from forward's first argument: in the setup_context style, an input tensor."""
    with pytest.raises(AttributeError, match="has no attribute '_fwd_used_autocast'") as excinfo:
        run_snippet("function_transforms/amp_setup_context_error.py")
    ns = snippet_globals(excinfo, "amp_setup_context_error.py")
    assert ns["a"]._fwd_used_autocast is True and not hasattr(ns["b"], "_fwd_used_autocast")
    assert ns["a"].grad is None and ns["loss"].requires_grad  # the forward ran; the backward raised
    assert "MatMulBackward" in str(excinfo.value)  # the missing attribute is looked up on ctx
    # the formula itself is right: only custom_bwd's lookup fails (called here past the decorator)
    a, b = ns["a"].detach(), ns["b"].detach()
    ctx = SimpleNamespace(saved_tensors=(a, b))
    grad_output = torch.ones(4, 2, device=device)
    grad_a, grad_b = ns["MatMul"].backward.__wrapped__(ctx, grad_output)
    assert torch.allclose(grad_a, grad_output @ b.T) and torch.allclose(grad_b, a.T @ grad_output)


def test_amp_numpy_bf16(run_snippet, device, capsys, snippet_globals):
    with pytest.raises(TypeError, match="Got unsupported ScalarType BFloat16") as excinfo:
        run_snippet("function_transforms/amp_numpy_bf16.py")
    assert capsys.readouterr().out == "the layer's output: torch.bfloat16\n"
    # outside autocast, in float32, the same Function is right: only the bfloat16 input broke it
    NumpyExp = snippet_globals(excinfo, "amp_numpy_bf16.py")["NumpyExp"]
    x = torch.randn(2, 3, device=device, requires_grad=True)
    y = NumpyExp.apply(x)
    assert torch.allclose(y, x.detach().exp())
    assert torch.allclose(_grad(NumpyExp.apply, x), x.detach().exp())


def test_amp_cast_inputs(run_snippet, device):
    ns = run_snippet("function_transforms/amp_cast_inputs.py")
    assert ns.h.dtype == torch.bfloat16 and ns.y.dtype == torch.float32
    assert ns.y.device.type == device
    assert torch.allclose(ns.y, ns.h.float().exp())
    # the same gradient as autocast with torch.exp in float32
    layer = ns.layer
    got = layer.weight.grad.clone()
    layer.weight.grad = None
    with torch.autocast(device, dtype=torch.bfloat16):
        layer(ns.x).float().exp().sum().backward()
    assert torch.allclose(got, layer.weight.grad, rtol=1e-2, atol=1e-2)
    assert ns.out.splitlines()[1] == "gradient reaches the layer: torch.float32 (3, 3)"


def test_function_vmap_numpy(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="doesn't have storage"):
        run_snippet("function_transforms/function_vmap_numpy.py")
    assert capsys.readouterr().out == "backward() works: True\n"


def test_function_vmap_staticmethod(run_snippet, device):
    ns = run_snippet("function_transforms/function_vmap_staticmethod.py")
    assert ns.batch.device.type == device
    assert torch.allclose(ns.result, torch.sin(ns.batch))
    assert torch.allclose(ns.per_sample, torch.cos(ns.batch))
    assert ns.numpy_calls == [(4, 3), (4, 3)]  # vmap, then vmap(grad): whole batches only
    # without the staticmethod (and without generate_vmap_rule) vmap refuses the Function
    plain = type("Plain", (torch.autograd.Function,), {k: v for k, v in vars(ns.NumpySin).items() if k != "vmap"})
    with pytest.raises(RuntimeError, match="does not have vmap support"):
        torch.vmap(plain.apply)(ns.batch)
