import numpy as np
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


@torch.library.custom_op("mylib::numpy_sin", mutates_args=())
def numpy_sin(x: torch.Tensor) -> torch.Tensor:
    return torch.from_numpy(np.sin(x.numpy(force=True))).to(x.device)


@numpy_sin.register_fake
def _(x):
    return torch.empty_like(x)


def setup_context(ctx, inputs, output):
    ctx.save_for_backward(inputs[0])


def backward(ctx, grad):
    (x,) = ctx.saved_tensors
    return grad * x.cos()


numpy_sin.register_autograd(backward, setup_context=setup_context)


def f(x):
    return (numpy_sin(x) * x).sum()


explanation = torch._dynamo.explain(f)(torch.randn(5, device=device))
print("graphs:", explanation.graph_count, "| graph breaks:", explanation.graph_break_count)
nodes = [n for n in explanation.graphs[0].graph.nodes if n.op.startswith("call")]
print("operations in the graph:", [getattr(n.target, "__name__", n.target) for n in nodes])

x = torch.randn(5, device=device, requires_grad=True)
(eager,) = torch.autograd.grad(f(x), x)
(compiled,) = torch.autograd.grad(torch.compile(f, backend="aot_eager", fullgraph=True)(x), x)
print("compiled gradient equals eager:", torch.allclose(compiled, eager))
