import torch
from torch import nn

device = "cuda" if torch.cuda.is_available() else "cpu"


def clip(grad, max_norm):
    """Give one parameter the gradient `grad`, clip it, print what happened."""
    p = torch.zeros(2, dtype=torch.float64, device=device, requires_grad=True)
    p.grad = torch.tensor(grad, dtype=torch.float64, device=device)
    before = p.grad.clone()
    norm = nn.utils.clip_grad_norm_([p], max_norm=max_norm)
    factor = min(1.0, max_norm / (norm.item() + 1e-6))  # the rule clip_grad_norm_ applies
    print(
        f"{str(grad):15s}{max_norm:<9g}{norm.item():<9g}{factor:<12.8f}{p.grad.norm().item():<14.8g}"
        f"{torch.equal(p.grad, before * factor)!s:12s}{torch.equal(p.grad, before)}"
    )


print("gradient       max_norm norm     factor      norm after    factor*old? unchanged?")
clip([3.0, 4.0], 1.0)  # norm 5: scaled down to just under 1
clip([3.0, 4.0], 5.0)  # norm exactly max_norm: still scaled, by 5 / (5 + 1e-6)
clip([3e-6, 4e-6], 1e-6)  # tiny norms: the 1e-6 is no longer negligible
clip([0.3, 0.4], 1.0)  # norm 0.5 below max_norm: the factor is capped at 1
