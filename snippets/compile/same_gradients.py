import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1)).to(device)
compiled = torch.compile(model, backend="aot_eager")  # shares model's parameters
x = torch.randn(16, 4, device=device)
weight = model[0].weight
hook_calls = []
weight.register_hook(lambda grad: hook_calls.append(tuple(grad.shape)))  # a hook on a leaf


def two_backward_calls(net):
    model.zero_grad()  # .grad is None now
    net(x).pow(2).mean().backward()
    first = weight.grad.clone()
    net(x).pow(2).mean().backward()  # accumulates into .grad
    return first, weight.grad.clone()


eager_first, eager_sum = two_backward_calls(model)
eager_hooks = len(hook_calls)
comp_first, comp_sum = two_backward_calls(compiled)
print("gradients equal:", torch.allclose(eager_first, comp_first))
doubled = torch.allclose(eager_sum, 2 * eager_first), torch.allclose(comp_sum, 2 * comp_first)
print("second backward doubled .grad (eager, compiled):", doubled)
print("hook calls, eager:", eager_hooks, "| compiled:", len(hook_calls) - eager_hooks)

with torch.no_grad():
    out_eager, out_comp = model(x), compiled(x)
print("under no_grad, requires_grad:", out_eager.requires_grad, out_comp.requires_grad)
print("grad_fn eager:   ", type(model(x).grad_fn).__name__)
print("grad_fn compiled:", type(compiled(x).grad_fn).__name__)
