import torch
from torch import nn
from torch.func import functional_call, grad

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1)).to(device)
inputs, targets = torch.randn(16, 4, device=device), torch.randn(16, 1, device=device)


def loss_fn(params, x, y):  # the model's forward, with parameters passed in
    out = functional_call(model, params, (x,))
    return nn.functional.mse_loss(out, y)


params = {name: p.detach() for name, p in model.named_parameters()}
grads = grad(loss_fn)(params, inputs, targets)  # a dict, same keys as params
print("gradient keys:", list(grads))
print("model's .grad untouched:", all(p.grad is None for p in model.parameters()))

# The tape-based way: forward with the module's own parameters, then backward().
nn.functional.mse_loss(model(inputs), targets).backward()
same = [torch.allclose(grads[name], p.grad) for name, p in model.named_parameters()]
print("== .grad after backward():", same)

# One SGD step as a pure function: new parameters, the module is not modified.
new_params = {name: p - 0.1 * grads[name] for name, p in params.items()}
print("loss before:", round(loss_fn(params, inputs, targets).item(), 4))
print("loss after: ", round(loss_fn(new_params, inputs, targets).item(), 4))
print("module unchanged:", all(torch.equal(p, params[n]) for n, p in model.named_parameters()))
