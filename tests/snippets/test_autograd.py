"""docs/autograd.md: what each snippet computes, on every device."""

import math
import re

import pytest
import torch

NODE = re.compile(r'^    (n\d+)\["([^"]+)"\](:::leaf)?$')
EDGE = re.compile(r"^    (n\d+) --> (n\d+)$")


def parse_mermaid(text):
    """Nodes {id: label} and edges [(src, dst)] of the walker's output; every line must be understood."""
    lines = text.splitlines()
    assert lines[0] == "graph BT"
    nodes, edges = {}, []
    for line in lines[1:]:
        if (m := NODE.match(line)) is not None:
            assert m[1] not in nodes
            nodes[m[1]] = m[2]
            assert (m[3] is not None) == m[2].startswith("AccumulateGrad")
        elif (m := EDGE.match(line)) is not None:
            edges.append((m[1], m[2]))
        else:
            assert line.startswith("    classDef leaf "), line
    assert list(nodes) == [f"n{i}" for i in range(len(nodes))]  # ids in traversal order
    assert all(src in nodes and dst in nodes for src, dst in edges)
    return nodes, edges


def reachable(root):
    """Independent walk (breadth first): the set of nodes and the list of (node, next_node) edges."""
    seen, edges, queue = {root}, [], [root]
    for node in queue:
        for next_node, _ in node.next_functions:
            if next_node is not None:
                edges.append((node, next_node))
                if next_node not in seen:
                    seen.add(next_node)
                    queue.append(next_node)
    return seen, edges


def expected_label(node, leaf_names):
    if hasattr(node, "variable"):
        return "AccumulateGrad<br/>" + next(n for t, n in leaf_names.items() if t is node.variable)
    return type(node).__name__


def check_graph(out, root, leaf_names):
    nodes, edges = parse_mermaid(out)
    seen, true_edges = reachable(root)
    assert len(nodes) == len(seen)
    assert len(edges) == len(true_edges)
    labelled = sorted((nodes[s], nodes[d]) for s, d in edges)
    assert labelled == sorted(
        (expected_label(s, leaf_names), expected_label(d, leaf_names)) for s, d in true_edges
    )
    assert nodes["n0"] == type(root).__name__
    return nodes, edges


def test_leaves(run_snippet, device):
    ns = run_snippet("autograd/leaves.py")
    assert ns.w.device.type == device and ns.b.device.type == device
    assert ns.w.is_leaf and ns.w.requires_grad and ns.w.grad_fn is None
    assert ns.x.is_leaf and not ns.x.requires_grad
    assert not ns.h.is_leaf and type(ns.h.grad_fn).__name__ == "MulBackward0"
    assert ns.d.is_leaf and not ns.d.requires_grad and ns.d.grad_fn is None
    assert ns.b.is_leaf and ns.b.requires_grad
    assert ns.w.grad.tolist() == ns.x.tolist()  # d(sum(w*x + b))/dw = x
    assert ns.b.grad.tolist() == [1.0, 1.0]
    lines = dict(line.split(":", 1) for line in ns.out.splitlines()[:6])
    assert "is_leaf=False" in lines["  h"] and "grad_fn=MulBackward0" in lines["  h"]
    assert "is_leaf=True" in lines["  d"] and "grad_fn=None" in lines["  d"]
    assert "grad_fn=SumBackward0" in lines["out"]


def test_next_functions(run_snippet, device):
    ns = run_snippet("autograd/next_functions.py")
    assert ns.a.device.type == device
    tree = [line for line in ns.out.splitlines() if not line.startswith(("acc_a", "same", "a.grad", "b*cos"))]
    assert tree[0] == type(ns.z.grad_fn).__name__ == "AddBackward0"
    assert [line.strip() for line in tree].count("AccumulateGrad") == 3  # a twice, b once
    assert tree[-1].strip() == "None"  # c needs no gradient
    assert ns.acc_a.variable is ns.a
    assert "acc_a.variable is a: True" in ns.out and "same node on both paths: True" in ns.out
    expected = 3.0 * math.cos(6.0) + 4.0
    assert ns.a.grad.item() == pytest.approx(expected, rel=1e-6)
    assert ns.b.grad.item() == pytest.approx(2.0 * math.cos(6.0), rel=1e-6)
    assert f"a.grad = {expected:.6f}" in ns.out


def test_graph_ols(run_snippet, device):
    ns = run_snippet("autograd/graph_ols.py")
    assert ns.w.device.type == device
    nodes, edges = check_graph(ns.out, ns.loss.grad_fn, {ns.w: "w"})
    assert list(nodes.values()) == ["PowBackward0", "SubBackward0", "MulBackward0", "AccumulateGrad<br/>w"]
    assert len(edges) == 3  # a chain: x and y need no gradient, so they are no nodes
    assert ns.loss.item() == 1.0


def test_graph_mlp(run_snippet, device):
    ns = run_snippet("autograd/graph_mlp.py")
    assert next(ns.model.parameters()).device.type == device
    names = {p: name for name, p in ns.model.named_parameters()}
    nodes, edges = check_graph(ns.out, ns.loss.grad_fn, names)
    leaves = sorted(label for label in nodes.values() if label.startswith("AccumulateGrad"))
    assert leaves == sorted(f"AccumulateGrad<br/>{name}" for name in names.values())
    assert list(nodes.values()).count("AddmmBackward0") == 2
    assert "ReluBackward0" in nodes.values() and nodes["n0"] == "MseLossBackward0"
    # the printed graph really is the one backward() uses: every parameter gets a gradient
    ns.loss.backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in ns.model.parameters())


def test_graph_walker_shares_nodes(run_snippet, device, capsys):
    """A node reached along two paths is printed once, with one edge per path."""
    ns = run_snippet("autograd/graph_ols.py")
    a = torch.tensor(2.0, requires_grad=True)
    out = a * a + a
    ns.print_mermaid(out.grad_fn, {a: "a"})
    nodes, edges = check_graph(capsys.readouterr().out, out.grad_fn, {a: "a"})
    assert list(nodes.values()).count("AccumulateGrad<br/>a") == 1
    assert len(edges) == 4  # Add -> Mul, Add -> Acc, Mul -> Acc twice


def test_dynamic_graph(run_snippet, device):
    ns = run_snippet("autograd/dynamic_graph.py")
    graphs = [line.split(":", 1)[1].strip() for line in ns.out.splitlines() if "graph:" in line]
    assert graphs[0] == "SumBackward0 -> MulBackward0 -> MulBackward0 -> ExpBackward0 -> AccumulateGrad"
    assert graphs[1] == (
        "SumBackward0 -> MulBackward0 -> MulBackward0 -> MulBackward0 -> SinBackward0 -> AccumulateGrad"
    )
    assert ns.x.device.type == device
    # the last input took the sin branch and three doublings: d/dx 8*sin(x) = 8*cos(x)
    expected = [8 * math.cos(v) for v in (-1.0, -0.5)]
    assert ns.x.grad.tolist() == pytest.approx(expected, rel=1e-6)
    first = torch.tensor([0.5, 1.0], requires_grad=True)
    ns.f(first).backward()
    assert first.grad.tolist() == pytest.approx([4 * math.exp(v) for v in (0.5, 1.0)], rel=1e-6)
    assert ns.chain(ns.f(torch.tensor([3.0, 3.0], requires_grad=True))) == (
        "SumBackward0 -> ExpBackward0 -> AccumulateGrad"  # already >= 10: no loop at all
    )


def test_retain_grad(run_snippet, device):
    with pytest.warns(UserWarning, match="not a leaf Tensor is being accessed"):
        ns = run_snippet("autograd/retain_grad.py")
    assert "y_hat.grad: None\n" in ns.out
    assert ns.y_hat.retains_grad and not ns.y_hat.is_leaf
    assert ns.y_hat.grad.item() == 2 * (ns.y_hat.item() - ns.y.item()) == -2.0
    assert ns.w.grad.item() == ns.y_hat.grad.item() * ns.x.item()
    assert ns.w.grad.device.type == device


def test_detach(run_snippet, device):
    ns = run_snippet("autograd/detach.py")
    assert ns.d.device.type == device
    assert not ns.d.requires_grad and ns.d.is_leaf and ns.d.grad_fn is None
    assert ns.h.tolist() == [100.0, 4.0, 6.0]  # changed through d
    assert ns.d.untyped_storage().data_ptr() == ns.h.untyped_storage().data_ptr()
    assert ns.c.untyped_storage().data_ptr() != ns.h.untyped_storage().data_ptr()
    assert ns.c.tolist() == [100.0, -1.0, 6.0]
    assert ns.h._version == ns.d._version == 1
    assert "same storage as h: True" in ns.out and "clone shares storage: False" in ns.out
    assert "0x" not in ns.out


def test_version_counter(run_snippet, device, capsys):
    expected = r"modified by an inplace operation.*is at version 1; expected version 0"
    with pytest.raises(RuntimeError, match=expected):
        run_snippet("autograd/version_counter.py")
    out = capsys.readouterr().out
    assert "y._version after exp:  0" in out and "y._version after add_: 1" in out
    assert "saved tensor is y's storage: True" in out
    assert f"loss: {round(math.e + 1 + 2, 4)}" in out  # (1 + 1) + (e + 1)


def test_inplace_ok(run_snippet, device):
    ns = run_snippet("autograd/inplace_ok.py")
    assert ns.x.device.type == device
    assert ns.y._version == 0
    assert ns.u._version == 1 and ns.saved_x is False
    assert ns.x.grad.tolist() == [3.0, 3.0]
    assert ns.u.tolist() == [1.0, 4.0]
    assert "x.grad = [1.0, 2.7183]" in ns.out  # d(exp(x) + 1)/dx = exp(x)
    assert "MulBackward0 saved x: False" in ns.out and "saved other: 3" in ns.out


def test_tensor_hook(run_snippet, device):
    ns = run_snippet("autograd/tensor_hook.py")
    assert ns.w.device.type == device
    assert ns.out.count("gradient arriving at h: [1.0, 1.0]") == 2  # show() ran in both passes
    assert "w.grad with the scaling hook: [30.0, 40.0]" in ns.out
    assert ns.w.grad.tolist() == ns.x.tolist()  # second pass, scale() removed
    assert ns.scale(torch.ones(2)).tolist() == [10.0, 10.0]
    assert ns.show(torch.ones(1)) is None


def test_post_accumulate_hook(run_snippet, device):
    ns = run_snippet("autograd/post_accumulate_hook.py")
    assert ns.w.device.type == device and ns.v.device.type == device
    assert ns.norms == [5.0, 10.0, 15.0]  # it sees the accumulated .grad
    assert ns.w.grad.tolist() == [9.0, 12.0]
    assert ns.v.tolist() == pytest.approx([2.7, 3.6])  # v - 0.1 * v
    assert ns.v.grad is None


def test_hook_order(run_snippet, device):
    ns = run_snippet("autograd/hook_order.py")
    assert ns.visited == ["gradient reaches o", "gradient reaches h", "w.grad filled"]
    assert ns.w.grad.tolist() == pytest.approx([2 * math.exp(1.0), 2 * math.exp(3.0)], rel=1e-6)
    assert ns.w.grad.device.type == device


def test_hook_order_branches(run_snippet, device):
    ns = run_snippet("autograd/hook_order_branches.py")
    # the shallow branch recorded last: b's gradient is complete before the deep branch starts
    assert ns.visited == ["b.grad filled", "gradient reaches o", "gradient reaches h", "w.grad filled"]
    # recorded first: the deep branch runs first, so "leaves last" and "shallow first" both fail as rules
    assert ns.visited_first == ["gradient reaches o", "gradient reaches h", "w.grad filled", "b.grad filled"]
    assert ns.w.grad.tolist() == pytest.approx([2 * math.exp(1.0), 2 * math.exp(3.0)], rel=1e-6)
    assert ns.b.grad.tolist() == [3.0, 3.0]
    assert ns.b.grad.device.type == device
    lines = ns.out.splitlines()
    assert lines[1].strip() == " -> ".join(ns.visited) and lines[3].strip() == " -> ".join(ns.visited_first)


def test_compiled_graph(run_snippet, device):
    ns = run_snippet("autograd/compiled_graph.py")
    assert ns.x.device.type == device
    assert ns.chain(ns.eager.grad_fn) == (
        "SumBackward0 -> ExpBackward0 -> MulBackward0 -> SinBackward0 -> AccumulateGrad"
    )
    assert ns.chain(ns.compiled.grad_fn) == "CompiledFunctionBackward -> AccumulateGrad"
    expected = 2 * torch.cos(ns.x.detach()) * torch.exp(2 * torch.sin(ns.x.detach()))  # by hand
    assert torch.allclose(ns.eager_grad, expected, atol=1e-6)
    assert torch.allclose(ns.compiled_grad, expected, atol=1e-6)
    assert ns.compiled.item() == pytest.approx(ns.eager.item(), rel=1e-6)
    assert f"same gradient: True {[round(g, 4) for g in expected.tolist()]}" in ns.out


def test_data_vs_detach(run_snippet, device):
    ns = run_snippet("autograd/data_vs_detach.py")
    assert ns.y._version == 0  # .data does not bump the shared counter
    right = torch.exp(ns.x.detach())
    assert torch.allclose(ns.x.grad, right + 1)  # silently wrong: off by the 1 added through .data
    assert not torch.allclose(ns.x.grad, right)
    assert ns.x.grad.device.type == device
    assert f"correct d/dx sum(exp(x)): {[round(v, 4) for v in right.tolist()]}" in ns.out
    assert f"x.grad from backward(): {[round(v + 1, 4) for v in right.tolist()]}" in ns.out
    assert not ns.y.data.requires_grad and ns.y.data.grad_fn is None


def test_detach_inplace_error(run_snippet, device, capsys):
    expected = r"modified by an inplace operation.*output 0 of Exp.*is at version 1; expected version 0"
    with pytest.raises(RuntimeError, match=expected):
        run_snippet("autograd/detach_inplace_error.py")
    assert "y._version after y.detach().add_(1): 1" in capsys.readouterr().out


def test_stop_gradient(run_snippet, device):
    ns = run_snippet("autograd/stop_gradient.py")
    assert ns.a.device.type == device
    a, b = 2.0, 3.0
    assert ns.b.grad.item() == a  # only the a * b path reaches b
    assert ns.z.item() == 2 * a * b
    assert ns.target.item() == 5 * a and not ns.target.requires_grad
    assert ns.loss.item() == (a - 5 * a) ** 2
    assert ns.a.grad.item() == 2 * (a - 5 * a)  # target held fixed
    assert ns.without.item() == 32 * a  # d/da (a - 5a)^2 = 32a
    assert f"a.grad: {2 * b}" in ns.out  # both paths reach a (first backward)


def test_hook_events(run_snippet, device):
    ns = run_snippet("autograd/hook_events.py")
    weight = ns.layer.weight.detach().flatten().tolist()  # [3, 4]
    grad_h = weight  # d(sum(W h))/dh = W
    grad_w = [2 * g for g in grad_h]  # h = 2 w
    assert ns.events == [
        "module pre-hook: output grad [1.0]",
        f"module hook: input grad {grad_h}",
        f"tensor hook on h: {grad_h}",
        f"node pre-hook on MulBackward0: {grad_h}",
        f"node hook on MulBackward0: grad of w {grad_w}",
        f"tensor hook on w: {grad_w}, w.grad is None",
        "multi-grad hook: 2 gradients ready",
        f"post-accumulate hook on w: w.grad = {grad_w}",
    ]
    assert ns.w.grad.tolist() == grad_w and ns.w.grad.device.type == device
    assert ns.out.splitlines()[0] == "1 module pre-hook: output grad [1.0]"


def test_node_hooks_replace_gradients(device):
    """The page: node pre-hooks and hooks may return gradients that replace the ones they were given."""
    w = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
    h = w * 2
    pre = h.grad_fn.register_prehook(lambda g_out: (g_out[0] * 10,))
    h.sum().backward(retain_graph=True)
    assert w.grad.tolist() == [20.0, 20.0]
    pre.remove()
    w.grad = None
    h.grad_fn.register_hook(lambda g_in, g_out: (g_in[0] + 1, *g_in[1:]))  # one entry per forward input
    h.sum().backward()
    assert w.grad.tolist() == [3.0, 3.0]


def test_hook_inplace(run_snippet, device):
    ns = run_snippet("autograd/hook_inplace.py")
    lines = ns.out.splitlines()
    assert lines[1] == "hook registered after mul_:  [1.0, 10.0]"  # the newer node is reached first
    assert lines[2] == "hook registered before mul_: [3.0, 30.0]"  # gradient of the old values, 3x
    assert ns.x.grad.tolist() == [6.0, 60.0] and ns.x.grad.device.type == device
    assert ns.y._version == 1 and ns.y.tolist() == [6.0, 12.0]
    assert "y.grad_fn: MulBackward0 -> MulBackward0" in ns.out
