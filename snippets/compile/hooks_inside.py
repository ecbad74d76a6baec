import torch

device = "cuda" if torch.cuda.is_available() else "cpu"
seen = []


def pure_hook(x):
    y = x * 2
    y.register_hook(lambda grad: grad * 10)  # tensor in, tensor out
    return (y * y).sum()


def logging_hook(x):
    y = x * 2
    y.register_hook(lambda grad: seen.append(tuple(grad.shape)) or grad * 10)  # changes a list
    return (y * y).sum()


for f in (pure_hook, logging_hook):
    x = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
    explanation = torch._dynamo.explain(f)(x)
    print(f"{f.__name__}: graphs {explanation.graph_count}, breaks {explanation.graph_break_count}")
    for r in explanation.break_reasons:
        print("  break:", r.reason.splitlines()[0], "| at:", r.user_stack[-1].line)
    (eager,) = torch.autograd.grad(f(x), x)
    (compiled,) = torch.autograd.grad(torch.compile(f, backend="aot_eager")(x), x)
    print("  gradient eager:", eager.tolist(), "compiled:", compiled.tolist())
print("the logging hook ran with:", seen)
