import numpy as np
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class NumpySin(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return torch.from_numpy(np.sin(x.numpy(force=True))).to(x.device)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.cos()


def f(x):
    return (NumpySin.apply(x) * x).sum()


def ops(graph_module):
    nodes = [n for n in graph_module.graph.nodes if n.op.startswith("call")]
    names = [getattr(n.target, "__name__", n.target) for n in nodes]
    return [name for name in names if name != "_set_grad_enabled"]


x = torch.randn(5, device=device, requires_grad=True)
explanation = torch._dynamo.explain(f)(x)
graph = explanation.graphs[0]
print("graphs:", explanation.graph_count, "| graph breaks:", explanation.graph_break_count)
print("graph:           ", ops(graph))
print("  its forward:   ", ops(graph.fwd_body_0))  # np.sin became a PyTorch sin
print("  its backward:  ", ops(graph.bwd_body_0))
(eager,) = torch.autograd.grad(f(x), x)
(compiled,) = torch.autograd.grad(torch.compile(f, backend="aot_eager", fullgraph=True)(x), x)
print("compiled gradient equals eager:", torch.allclose(compiled, eager))
