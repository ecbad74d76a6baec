import torch
from torch import nn
from torch.func import functional_call, grad, vmap

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1)).to(device)
inputs, targets = torch.randn(16, 4, device=device), torch.randn(16, 1, device=device)
params = {name: p.detach() for name, p in model.named_parameters()}


def sample_loss(params, x, y):  # written for ONE sample: x (4,), y (1,)
    out = functional_call(model, params, (x.unsqueeze(0),))  # a batch of one
    return nn.functional.mse_loss(out, y.unsqueeze(0))


# in_dims: the same params for every sample (None), inputs and targets split on dim 0.
per_sample = vmap(grad(sample_loss), in_dims=(None, 0, 0))(params, inputs, targets)
for name, g in per_sample.items():
    print(f"{name:9s} parameter {tuple(params[name].shape)!s:8s} per-sample {tuple(g.shape)}")

# The slow way: one forward and one backward() per sample.
looped = {name: [] for name in params}
for x, y in zip(inputs, targets):
    model.zero_grad()
    nn.functional.mse_loss(model(x.unsqueeze(0)), y.unsqueeze(0)).backward()
    for name, p in model.named_parameters():
        looped[name].append(p.grad.clone())
same = all(torch.allclose(per_sample[n], torch.stack(looped[n]), atol=1e-6) for n in params)
print("vmap(grad) == loop of backward():", same)

# Their mean is the gradient of the mean loss over the batch.
model.zero_grad()
nn.functional.mse_loss(model(inputs), targets).backward()
means = [torch.allclose(per_sample[n].mean(0), p.grad, atol=1e-6) for n, p in model.named_parameters()]
print("mean over samples == gradient of the mean loss:", all(means))
