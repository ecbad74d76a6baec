import torch
import torch.autograd.forward_ad as fwAD
from torch import nn
from torch.func import functional_call, jvp

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1)).to(device)
inputs, targets = torch.randn(16, 4, device=device), torch.randn(16, 1, device=device)
params = {name: p.detach() for name, p in model.named_parameters()}
direction = {name: torch.randn_like(p) for name, p in params.items()}  # one tangent per parameter


def loss_fn(params):
    return nn.functional.mse_loss(functional_call(model, params, (inputs,)), targets)


# Forward mode: parameters carry tangents, and the loss comes out with its directional derivative.
with fwAD.dual_level():
    dual_params = {name: fwAD.make_dual(p, direction[name]) for name, p in params.items()}
    loss, slope = fwAD.unpack_dual(loss_fn(dual_params))
print("loss:", round(loss.item(), 4), " slope along the direction:", round(slope.item(), 4))

# Reverse mode: the full gradient, then its dot product with the direction.
nn.functional.mse_loss(model(inputs), targets).backward()
dot = sum((p.grad * direction[name]).sum() for name, p in model.named_parameters())
print("gradient . direction:", round(dot.item(), 4), " equal:", torch.allclose(slope, dot, atol=1e-6))
print("torch.func.jvp on the dict:", torch.allclose(jvp(loss_fn, (params,), (direction,))[1], slope))
n_params = sum(p.numel() for p in params.values())
print("the whole gradient by forward mode would take", n_params, "passes, one per parameter")
