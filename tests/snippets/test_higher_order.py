"""docs/higher_order.md: gradient penalty, the create_graph cycle, no double backward, memory."""

import pytest
import torch
from torch.func import functional_call, grad


def test_gradient_penalty_needs_create_graph(run_snippet, device):
    ns = run_snippet("higher_order/gradient_penalty.py")
    assert ns.weight.device.type == device
    # the penalty's derivative with respect to the critic's weights, by torch.func (grad of a grad)
    params = {k: v.detach() for k, v in ns.critic.named_parameters()}

    def penalty_of(params):
        def critic_sum(x):
            return functional_call(ns.critic, params, (x,)).sum()

        g = grad(critic_sum)(ns.mixed.detach())
        return ((g.norm(dim=1) - 1) ** 2).mean()

    expected = grad(penalty_of)(params)["0.weight"]
    wasserstein = ns.critic(ns.fake).mean() - ns.critic(ns.real).mean()
    with_penalty = torch.autograd.grad(wasserstein + 10 * ns.gradient_penalty(True), ns.weight, retain_graph=True)[0]
    plain = torch.autograd.grad(wasserstein, ns.weight, retain_graph=True)[0]
    assert torch.allclose(with_penalty - plain, 10 * expected, atol=1e-5)
    assert not torch.allclose(with_penalty, plain)
    dropped = ns.gradient_penalty(False)
    assert not dropped.requires_grad
    assert torch.equal(ns.g, plain)  # the last printed line: no penalty at all
    lines = ns.out.splitlines()
    assert "requires_grad=True" in lines[0] and "requires_grad=False" in lines[1]
    assert lines[1].split("weight grad[0]")[1] == lines[2].split("weight grad[0]")[1]


def test_backward_create_graph_keeps_the_parameter_alive(run_snippet, device):
    with pytest.warns(UserWarning, match="reference cycle between the parameter and its gradient"):
        ns = run_snippet("higher_order/create_graph_cycle.py")
    lines = ns.out.splitlines()
    assert lines[0].endswith("w alive after return: True")
    assert lines[2] == "  after w.grad = None, w alive: False"
    assert lines[3].endswith("w alive after return: False")
    assert ns.second.tolist() == [6.0, 12.0]  # d2(w^3)/dw2 = 6w at w = (1, 2)
    # the cycle itself: the graph behind w.grad reaches w's AccumulateGrad
    w = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
    (w**3).sum().backward(create_graph=True)
    seen, stack = set(), [w.grad.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if getattr(node, "variable", None) is w:
            break
        stack.extend(f for f, _ in node.next_functions)
    else:
        pytest.fail("w.grad's graph does not lead back to w")
    w.grad = None


def test_fused_attention_has_no_double_backward(run_snippet, device, snippet_globals):
    with pytest.raises(RuntimeError, match="derivative for .* is not implemented") as info:
        run_snippet("higher_order/double_backward_error.py")
    ns = snippet_globals(info, "double_backward_error.py")
    assert ns["grad"].grad_fn is not None  # the first derivative was recorded
    assert "attention" in str(info.value)


def test_transformer_layer_gets_the_fused_kernel_without_dropout(run_snippet, device):
    ns = run_snippet("higher_order/transformer_layer.py")
    lines = ns.out.splitlines()
    assert len(lines) == 3
    if device == "cpu":  # the CPU's flash kernel takes no dropout: training with dropout runs the math path
        assert lines[0] == "dropout=0.1, train: second backward works"
        for line in lines[1:]:
            assert "derivative for aten::_scaled_dot_product_flash_attention_for_cpu_backward is not implemented" in line
    else:  # the choice on CUDA is not recorded yet: each line either works or names a kernel's backward
        assert all(line.endswith("second backward works") or "is not implemented" in line for line in lines)


@pytest.mark.parametrize("kernel", ["flash", "efficient", "cudnn"])
def test_cuda_attention_kernels_have_no_double_backward(kernel):
    """What the page says of CUDA rests on autograd's derivative table, checked here on meta tensors."""
    q = torch.randn(1, 2, 4, 8, device="meta", requires_grad=True)
    op = getattr(torch.ops.aten, f"_scaled_dot_product_{kernel}_attention")
    out = (op(q, q, q) if kernel == "flash" else op(q, q, q, None, True))[0]
    (g,) = torch.autograd.grad(out.sum(), q, create_graph=True)  # the first derivative is recorded
    with pytest.raises(RuntimeError, match=f"derivative for aten::_scaled_dot_product_{kernel}_attention_backward is not implemented"):
        g.sum().backward()


def test_math_attention_has_double_backward(run_snippet, device):
    ns = run_snippet("higher_order/double_backward_fix.py")
    assert ns.q.grad is not None and ns.q.grad.device.type == device
    assert torch.allclose(ns.attention, ns.fused, atol=1e-5)
    # the same second derivative, with attention written out by hand
    q = ns.q.detach().requires_grad_()
    out = torch.softmax(q @ q.transpose(-2, -1) / q.shape[-1] ** 0.5, dim=-1) @ q
    (g,) = torch.autograd.grad(out.sum(), q, create_graph=True)
    g.pow(2).sum().backward()
    assert torch.allclose(q.grad, ns.q.grad, atol=1e-4)


def test_create_graph_saves_more_than_the_forward(run_snippet, device):
    ns = run_snippet("higher_order/create_graph_memory.py")
    lines = ns.out.splitlines()
    numbers = [int(line.split()[-2]) for line in lines]
    f32 = 4
    # forward: x (Linear 1) and tanh's output (saved by tanh and by Linear 2: one storage); weights not counted
    assert numbers[0] == f32 * (128 * 64 + 128 * 256)
    assert numbers[1] == 0
    # create_graph: the gradients into and out of tanh, and the expanded scalar gradient of the sum
    assert numbers[2] == f32 * (2 * 128 * 256 + 1)
    assert numbers[2] > numbers[0]  # the page: more than doubles
    assert ns.grad.requires_grad


def test_once_differentiable(run_snippet, device, capsys):
    with pytest.raises(RuntimeError, match="differentiate twice a function that was marked with @once_differentiable"):
        run_snippet("higher_order/once_differentiable.py")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "grad mode inside backward: False"
    first = lines[1]
    assert float(first.split(":")[1]) == 6 * 2.0**5


def test_double_backward(run_snippet, device):
    ns = run_snippet("higher_order/custom_function_double_backward.py")
    assert ns.x.device.type == device and ns.x64.dtype == torch.float64
    x = ns.x.detach().requires_grad_()
    (dy,) = torch.autograd.grad(x**3, x, create_graph=True)
    (d2y,) = torch.autograd.grad(dy, x)
    assert ns.dy.item() == dy.item() == 27.0 and ns.d2y.item() == d2y.item() == 18.0
    assert ns.out.splitlines()[-2:] == ["gradcheck:     True", "gradgradcheck: True"]
