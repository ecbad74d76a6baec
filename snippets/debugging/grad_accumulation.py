import copy

import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 1)).to(device)
reference = copy.deepcopy(model)  # trained on whole batches, for comparison
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
ref_optimizer = torch.optim.SGD(reference.parameters(), lr=0.1)
loss_fn = nn.MSELoss()  # a mean over the samples
inputs = torch.randn(32, 8, device=device)
targets = torch.randn(32, 1, device=device)

k = 4  # micro-batches per optimizer step: 8 micro-batches of 4 samples, 2 steps
for i, (x, y) in enumerate(zip(inputs.split(4), targets.split(4))):
    loss = loss_fn(model(x), y) / k  # each micro-batch is 1/k of the batch's mean
    loss.backward()  # adds into .grad
    if (i + 1) % k == 0:  # every k micro-batches: one step on the sum
        # the same 16 samples as one batch, through the reference model
        batch = slice((i + 1 - k) * 4, (i + 1) * 4)
        ref_optimizer.zero_grad()
        loss_fn(reference(inputs[batch]), targets[batch]).backward()
        same = all(torch.allclose(p.grad, r.grad) for p, r in zip(model.parameters(), reference.parameters()))
        print(f"step {i // k}: accumulated gradient == full-batch gradient: {same}")
        optimizer.step()
        optimizer.zero_grad()
        ref_optimizer.step()

same = all(torch.allclose(p, r) for p, r in zip(model.parameters(), reference.parameters()))
print("same weights after both steps:", same)
