import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
print("device:", device)

a = torch.rand(3, requires_grad=True, device=device)  # created on the device
host = torch.rand(3, requires_grad=True)  # created on the CPU...
b = host.to(device)  # ...then moved: torch.rand(3, requires_grad=True).to(device)


def describe(name, t):
    grad_fn = t.grad_fn.name() if t.grad_fn is not None else None
    print(f"{name}: on {t.device.type}, is_leaf={t.is_leaf}, grad_fn={grad_fn}")


describe("a", a)
describe("b", b)
print("b is host (.to returned the same tensor):", b is host)

(a * b).sum().backward()
print("a.grad filled:", a.grad is not None)
print("b.grad filled:", b.grad is not None)
# The gradient flows back through the copy to the tensor created on the CPU.
print("host.grad filled:", host.grad is not None, "on", host.grad.device.type)
print("host.grad equals a:", torch.equal(host.grad, a.detach().cpu()))

# Module.to(device) moves its parameters without recording the move: they stay leaves.
layer = torch.nn.Linear(3, 1).to(device)
print("nn.Linear(3, 1).to(device).weight: on", layer.weight.device.type, "is_leaf", layer.weight.is_leaf)
