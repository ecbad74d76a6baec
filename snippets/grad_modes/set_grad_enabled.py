import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Linear(3, 1).to(device)
inputs = torch.randn(4, 3, device=device)
targets = torch.randn(4, 1, device=device)


def run_epoch(is_train):
    model.train(is_train)  # Dropout/BatchNorm behaviour: a separate switch
    with torch.set_grad_enabled(is_train):  # record a graph only when training
        loss = nn.functional.mse_loss(model(inputs), targets)
    if is_train:
        loss.backward()
    return loss


for is_train in (True, False):
    loss = run_epoch(is_train)
    print(f"is_train={is_train!s:5}  loss.requires_grad={loss.requires_grad!s:5}  grad_fn={loss.grad_fn is not None}")

print("weight.grad filled by the training call:", model.weight.grad is not None)
print("grad mode after the loop:", torch.is_grad_enabled())
