import torch
from functorch.compile import make_boxed_func, min_cut_rematerialization_partition
from torch._dynamo.backends.common import aot_autograd

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


def ops(graph_module):
    return [n.target.__name__ for n in graph_module.graph.nodes if n.op == "call_function"]


def partition(joint_graph, joint_inputs, **kwargs):
    forward, backward = min_cut_rematerialization_partition(joint_graph, joint_inputs, **kwargs)
    returns = len(forward.graph.output_node().args[0])  # the loss, plus what backward needs
    print(f"partitioner: forward of {len(ops(forward))} ops returning {returns} tensors,", end=" ")
    print(f"backward of {len(ops(backward))} ops")
    return forward, backward


def show(name):
    def compile_graph(graph_module, example_inputs):
        print(f"{name} compiler:".ljust(19), ops(graph_module))
        return make_boxed_func(graph_module.forward)  # run the graph as it is

    return compile_graph


# aot_eager's recipe, with printing steps in place of its do-nothing ones
backend = aot_autograd(fw_compiler=show("forward"), bw_compiler=show("backward"), partition_fn=partition)


def f(x, w):
    return ((x @ w).sin() * 2).sum()


x = torch.randn(8, 4, device=device)
w = torch.randn(4, 3, device=device, requires_grad=True)
loss = torch.compile(f, backend=backend)(x, w)
print("forward done, loss.grad_fn:", type(loss.grad_fn).__name__)
loss.backward()
(expected,) = torch.autograd.grad(f(x, w), w)
print("w.grad equals eager:", torch.allclose(w.grad, expected))
