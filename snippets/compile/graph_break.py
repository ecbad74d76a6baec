import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


def f(x):
    if x.sum() > 0:  # which branch runs depends on the values in x
        return x * 2
    return x - 1


graphs, events = [], []


def record(graph_module, example_inputs):
    """A backend: called once per captured graph; returns what runs that graph."""
    nodes = [n for n in graph_module.graph.nodes if n.op.startswith("call")]
    graphs.append([getattr(n.target, "__name__", n.target) for n in nodes])
    number = len(graphs)
    events.append(f"capture {number} {graphs[-1]}")

    def run(*args):
        events.append(f"run {number}")
        return graph_module.forward(*args)  # the graph, unchanged

    return run


compiled = torch.compile(f, backend=record)
for values in ([1.0, 2.0], [-1.0, -2.0], [3.0, 4.0]):
    x = torch.tensor(values, device=device, requires_grad=True)
    events.clear()
    compiled(x).sum().backward()
    print(f"x = {values}: {', '.join(events)}; x.grad = {x.grad.tolist()}")

explanation = torch._dynamo.explain(f)(torch.tensor([1.0, 2.0], device=device))
print("graph_count:", explanation.graph_count)
print("graph_break_count:", explanation.graph_break_count)
for reason in explanation.break_reasons:
    print("break:", reason.reason, "| at:", reason.user_stack[-1].line)
