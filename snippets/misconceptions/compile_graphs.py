import torch
import torch._dynamo

device = "cuda" if torch.cuda.is_available() else "cpu"


def f(x):
    # Plain Python control flow picks the operation at run time.
    if x.sum() > 0:
        return x * x
    return torch.sin(x)


x = torch.tensor([1.0, 2.0], device=device, requires_grad=True)

# Eager mode, the default: no compile step, each operation is recorded as it runs.
print("eager: y.grad_fn =", f(x).grad_fn.name())

# torch.compile's front end, TorchDynamo, captures graphs from f's bytecode.
report = torch._dynamo.explain(f)(x)
print("graphs captured:", report.graph_count)
print("graph breaks:", report.graph_break_count)
for reason in report.break_reasons:
    print("  break at:", reason.user_stack[-1].line)
for i, graph in enumerate(report.graphs):
    ops = [getattr(n.target, "__name__", n.target) for n in graph.graph.nodes if n.op.startswith("call")]
    print(f"  graph {i}: {ops}")

# Compiled: autograd sees one backward node per captured graph, not one per operation.
y = torch.compile(f, backend="aot_eager")(x)
print("compiled: y.grad_fn =", y.grad_fn.name())
y.sum().backward()
print("x.grad:", x.grad.tolist())
