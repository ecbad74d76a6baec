import copy

import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

start = nn.Linear(10, 1).to(device)
inputs = torch.randn(16, 10, device=device)
targets = torch.randn(16, 1, device=device)


def train(where):
    """Five SGD steps from the same start, with zero_grad() at a different place."""
    model = copy.deepcopy(start)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(5):
        if where == "first":
            optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(inputs), targets)
        if where == "after forward":
            optimizer.zero_grad()
        loss.backward()
        if where == "between backward and step":
            optimizer.zero_grad()  # wipes the gradients step() needs
        optimizer.step()
        if where == "after step":
            optimizer.zero_grad()
    return model.weight.detach()


reference = train("first")
for where in ("after forward", "after step", "between backward and step"):
    weight = train(where)
    same, moved = torch.equal(weight, reference), not torch.equal(weight, start.weight)
    print(f"zero_grad() {where:26s} same weights as 'first': {same!s:5s}  weights moved: {moved}")
