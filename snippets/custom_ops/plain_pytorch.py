import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


def f(x):
    return (x.sin() * x).sum()  # built-in operations only


x = torch.randn(5, device=device, requires_grad=True)

# torch.compile: one graph, no break
explanation = torch._dynamo.explain(f)(x)
print("graphs:", explanation.graph_count, "| graph breaks:", explanation.graph_break_count)

# vmap: per-row results, no extra code
rows = torch.randn(4, 5, device=device)
print("vmap matches a loop:", torch.allclose(torch.vmap(f)(rows), torch.stack([f(r) for r in rows])))

# double backward: d/dx (x sin x) = sin x + x cos x, and its derivative again
(dx,) = torch.autograd.grad(f(x), x, create_graph=True)
(ddx,) = torch.autograd.grad(dx.sum(), x)
print("second derivative correct:", torch.allclose(ddx, 2 * x.cos() - x * x.sin()))
