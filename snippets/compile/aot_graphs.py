import torch
from functorch.compile import make_boxed_func, min_cut_rematerialization_partition
from torch._dynamo.backends.common import aot_autograd

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


def ops(graph_module):
    return [n.target.__name__ for n in graph_module.graph.nodes if n.op == "call_function"]


def show_forward(graph_module, example_inputs):
    (outputs,) = [n.args[0] for n in graph_module.graph.nodes if n.op == "output"]
    print("forward graph: ", ops(graph_module))
    print("  it returns", len(outputs), "tensors: the result, plus", len(outputs) - 1, "saved for backward")
    return make_boxed_func(graph_module.forward)  # run the graph as it is


def show_backward(graph_module, example_inputs):
    print("backward graph:", ops(graph_module))
    return make_boxed_func(graph_module.forward)


# aot_eager's recipe, with printing compilers in place of its do-nothing ones
backend = aot_autograd(
    fw_compiler=show_forward, bw_compiler=show_backward, partition_fn=min_cut_rematerialization_partition
)


def f(x, w):
    return ((x @ w).sin() * 2).sum()


x = torch.randn(8, 4, device=device)
w = torch.randn(4, 3, device=device, requires_grad=True)
loss = torch.compile(f, backend=backend)(x, w)
print("forward done, loss.grad_fn:", type(loss.grad_fn).__name__)
loss.backward()
(expected,) = torch.autograd.grad(f(x, w), w)
print("w.grad equals eager:", torch.allclose(w.grad, expected))
