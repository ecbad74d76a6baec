"""docs/custom_function.md: every custom Function against autograd's own gradients."""

import pytest
import torch
from torch.autograd.gradcheck import GradcheckError


def _grad(fn, x):
    """Autograd's gradient of fn(x).sum() with respect to a fresh copy of x."""
    x = x.detach().clone().requires_grad_()
    (g,) = torch.autograd.grad(fn(x).sum(), x)
    return g


def test_myrelu_model(run_snippet, device):
    ns = run_snippet("custom_function/myrelu_model.py")
    model = ns.model
    assert model.fc1.weight.device.type == device
    # undo the SGD step (lr 0.1, no momentum) to get the weights the gradients were taken at
    old = {n: (p + 0.1 * p.grad).detach().requires_grad_() for n, p in model.named_parameters()}
    hidden = torch.relu(ns.inputs @ old["fc1.weight"].T + old["fc1.bias"])
    out = hidden @ old["fc2.weight"].T + old["fc2.bias"]
    loss = torch.nn.functional.mse_loss(out, ns.targets)
    loss.backward()
    assert loss.item() == pytest.approx(ns.loss.item(), rel=1e-5)
    for name, p in model.named_parameters():
        assert torch.allclose(p.grad, old[name].grad, atol=1e-6), name
    before, after = (float(line.split(":")[1]) for line in ns.out.splitlines()[:2])
    assert after < before
    assert "'MyReLUBackward'" in ns.out


def test_gradcheck_float64(run_snippet, device):
    ns = run_snippet("custom_function/gradcheck_float64.py")
    assert ns.x.dtype == torch.float64 and ns.x.device.type == device
    assert ns.out.splitlines()[-1] == "gradcheck: True"
    assert ns.x.abs().min().item() > 1e-3  # far from the kink compared with eps = 1e-6
    assert torch.equal(_grad(ns.MyReLU.apply, ns.x), _grad(torch.relu, ns.x))


def test_gradcheck_float32_fails(run_snippet, device):
    with pytest.warns(UserWarning, match="not a double precision"):
        with pytest.raises(GradcheckError, match="Jacobian mismatch"):
            run_snippet("custom_function/gradcheck_float32.py")
    # the Function itself is right: the same check passes in float64
    MyReLU = run_snippet("custom_function/gradcheck_float64.py").MyReLU
    torch.manual_seed(0)
    x = torch.randn(4, dtype=torch.float64, device=device, requires_grad=True)
    assert torch.autograd.gradcheck(MyReLU.apply, (x,))


def test_gradcheck_kink(run_snippet, device):
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        run_snippet("custom_function/gradcheck_kink.py")
    eps = 1e-6
    assert (max(eps, 0) - max(-eps, 0)) / (2 * eps) == pytest.approx(0.5)


def test_setup_context(run_snippet, device):
    ns = run_snippet("custom_function/setup_context.py")
    assert ns.x.device.type == device
    expected = ns.x.detach().exp()
    assert torch.allclose(ns.g_combined, expected) and torch.allclose(ns.g_separate, expected)
    assert ns.out.count(": True") == 2


def test_ctx_attributes(run_snippet, device):
    ns = run_snippet("custom_function/ctx_attributes.py")
    assert ns.x.device.type == device and ns.w.device.type == device
    flags = [line.split(":", 1)[1].strip() for line in ns.out.splitlines() if "needs_input_grad" in line]
    assert flags == ["(True, False, False)", "(True, True, False)"]
    w, x = ns.w.detach(), ns.x.detach()
    assert torch.allclose(ns.x.grad, _grad(lambda t: t * w * 2.5, x))
    assert torch.allclose(ns.w.grad, _grad(lambda t: x * t * 2.5, w))


def test_save_non_tensor(run_snippet, device, capsys):
    with pytest.raises(TypeError, match="save_for_backward can only save variables.*float"):
        run_snippet("custom_function/save_non_tensor.py")
    assert capsys.readouterr().out.splitlines() == [
        "scale as a tensor works, x.grad: [2.5, 2.5, 2.5]",
        "scale None works too,    x.grad: [1.0, 1.0, 1.0]",  # None saved, None read back
    ]


def test_mark_dirty(run_snippet, device):
    ns = run_snippet("custom_function/mark_dirty.py")
    assert ns.h.device.type == device
    assert type(ns.h.grad_fn).__name__ == "ReLUInplaceBackward"
    assert torch.equal(ns.h, torch.relu(ns.a.detach()))
    assert torch.equal(ns.a.grad, _grad(torch.relu, ns.a))
    assert "out is h: True" in ns.out


def test_mark_dirty_missing(run_snippet, device):
    ns = run_snippet("custom_function/mark_dirty_missing.py")
    assert type(ns.h.grad_fn).__name__ == "CloneBackward0" and ns.out is not ns.h
    assert torch.equal(ns.h, torch.relu(ns.a.detach()))  # values were clamped...
    correct = _grad(torch.relu, ns.a)
    via_out = [float(v) for v in ns.out.split("via out: [")[1].split("]")[0].split(",")]
    assert via_out == correct.tolist()  # ...the Function's output has the right gradient...
    assert torch.equal(ns.a.grad, torch.ones_like(ns.a))  # ...but h (the input) does not
    assert not torch.equal(ns.a.grad, correct)


def test_mark_non_differentiable(run_snippet, device):
    ns = run_snippet("custom_function/mark_non_differentiable.py")
    assert ns.x.device.type == device
    ref_values, ref_indices = torch.sort(ns.x.detach())
    assert torch.equal(ns.indices, ref_indices) and torch.equal(ns.values.detach(), ref_values)
    assert not ns.indices.requires_grad and ns.values.requires_grad
    assert torch.equal(ns.x.grad, _grad(lambda t: torch.sort(t).values * ns.weights, ns.x))
    assert sorted(ns.x.grad.tolist()) == [1.0, 2.0, 3.0, 4.0, 5.0]  # each entry is its rank
    assert ns.out.splitlines()[-1] == "same as torch.sort's gradient: True"


def test_materialize_grads(run_snippet, device):
    ns = run_snippet("custom_function/materialize_grads.py")
    got = [line.split("grad_cube = ")[1] for line in ns.out.splitlines() if "grad_cube" in line]
    assert got == ["0.0", "None"]
    assert ns.grad.item() == 2 * ns.x.item()
    # both outputs used: backward adds both terms, as autograd does
    x = ns.x.detach().requires_grad_()
    square, cube = ns.SquareAndCube.apply(x, False)
    (g,) = torch.autograd.grad(square + cube, x)
    assert g.item() == _grad(lambda t: t**2 + t**3, x).item() == 16.0


def test_backward_checks(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match=r"invalid gradient at index 0 - got \[1\] but expected shape compatible with \[3\]"):
        run_snippet("custom_function/backward_checks.py")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert "incorrect number of gradients (expected 1, got 2)" in lines[0]
    assert f"expected device {torch.device(device, 0) if device == 'cuda' else 'cpu'} but got meta" in lines[1]


def test_backward_unchecked(run_snippet, device):
    ns = run_snippet("custom_function/backward_unchecked.py")
    rows = dict(line.split(" x.grad = ") for line in ns.out.splitlines()[:5])
    rows = {name.strip(): "x.grad = " + grad for name, grad in rows.items()}
    assert rows["right: 2 * g"] == "x.grad = [2.0, 2.0, 2.0] torch.float32"
    assert rows["wrong value: 3 * g"] == "x.grad = [3.0, 3.0, 3.0] torch.float32"  # not caught
    assert rows["2 * g and an extra None"] == "x.grad = [2.0, 2.0, 2.0] torch.float32"
    assert rows["float64 for float32 x"] == "x.grad = [2.0, 2.0, 2.0] torch.float32"  # cast back
    assert rows["rows 2g and 5g, shape [2, 3]"] == "x.grad = [7.0, 7.0, 7.0] torch.float32"  # summed
    assert ns.x.grad.device.type == device
    assert ns.ok is False
    assert ns.out.splitlines()[-2:] == ["gradcheck, right backward: True", "gradcheck, wrong value:    False"]
    with pytest.raises(GradcheckError):
        torch.autograd.gradcheck(ns.double_with(ns.cases["wrong value: 3 * g"]).apply, (ns.x64,))


def test_logsumexp(run_snippet, device):
    ns = run_snippet("custom_function/logsumexp.py")
    assert ns.x.device.type == device
    assert ns.naive.item() == float("inf")
    assert "naive grad: [nan, nan, nan]" in ns.out
    x = ns.x.detach()
    assert torch.isfinite(ns.stable) and torch.allclose(ns.stable, torch.logsumexp(x, dim=0))
    assert torch.allclose(ns.grad_custom, _grad(lambda t: torch.logsumexp(t, dim=0), x))
    # float32 resolves lse ~ 1002.4 only to ~6e-5, hence the tolerance
    assert torch.allclose(ns.grad_custom, torch.softmax(x, dim=0), atol=1e-4)
    assert torch.isfinite(ns.x.grad).all()  # autograd through the stable formula
    assert torch.allclose(ns.x.grad, torch.softmax(x, dim=0), atol=1e-4)
    x64 = torch.randn(5, dtype=torch.float64, device=device, requires_grad=True)
    assert torch.autograd.gradcheck(ns.LogSumExp.apply, (x64,))


def test_straight_through(run_snippet, device):
    ns = run_snippet("custom_function/straight_through.py")
    assert ns.x.device.type == device
    assert torch.equal(ns.y, torch.round(ns.x.detach()))
    assert torch.equal(_grad(torch.round, ns.x), torch.zeros(3, device=device))
    assert torch.equal(ns.x.grad, torch.ones(3, device=device))


def test_backward_summed(run_snippet, device):
    ns = run_snippet("custom_function/backward_summed.py")
    lines = ns.out.splitlines()
    assert len(lines) == 4
    accepted = [((3,), (2, 3)), ((1,), (3,)), ((3, 1), (3, 4))]
    for line, (x_shape, grad_shape) in zip(lines, accepted):
        expected = torch.ones(grad_shape).sum_to_size(x_shape)  # the sum autograd applies
        assert line.endswith(f"x.grad = {expected.tolist()}"), line
        # the same numbers as autograd's own gradient of a broadcast
        x = torch.zeros(x_shape, device=device, requires_grad=True)
        (x + torch.zeros(grad_shape, device=device)).sum().backward()
        assert x.grad.tolist() == expected.tolist()
    assert "got [3, 1] but expected shape compatible with [3]" in lines[3]
    assert torch.broadcast_shapes((3,), (3, 1)) == (3, 3)  # the page: [3] would become [3, 3]
    assert ns.x.device.type == device
