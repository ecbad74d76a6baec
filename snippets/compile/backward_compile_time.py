import torch
from functorch.compile import make_boxed_func
from torch._dynamo.backends.common import aot_autograd

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
events = []


def compiler(name):
    def compile_graph(graph_module, example_inputs):
        events.append(f"{name} compiler")
        return make_boxed_func(graph_module.forward)  # run the graph as it is

    return compile_graph


backend = aot_autograd(fw_compiler=compiler("forward"), bw_compiler=compiler("backward"))


def f(x, w):
    return ((x @ w).sin() * 2).sum()


x = torch.randn(8, 4, device=device)
for dynamic in (False, True):
    torch._dynamo.reset()  # forget what was compiled, so f is compiled again
    w = torch.randn(4, 3, device=device, requires_grad=True)
    events.clear()
    loss = torch.compile(f, backend=backend, dynamic=dynamic)(x, w)
    events.append("forward ran")
    loss.backward()
    events.append("backward ran")
    (eager,) = torch.autograd.grad(f(x, w), w)  # f run eagerly, for comparison
    print(f"dynamic={dynamic}: " + " -> ".join(events), "| same gradient as eager:", torch.allclose(w.grad, eager))
