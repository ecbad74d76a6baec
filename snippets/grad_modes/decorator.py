import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Linear(3, 2).to(device)


@torch.no_grad()  # the whole function body runs with recording off
def predict(batch):
    print("inside predict: grad enabled =", torch.is_grad_enabled())
    return model(batch).argmax(dim=1)


batch = torch.randn(5, 3, device=device)
labels = predict(batch)
print("labels:", labels.tolist())

scores = model(batch)  # called normally, outside the decorated function
print("outside: grad enabled =", torch.is_grad_enabled(), " scores.grad_fn:", type(scores.grad_fn).__name__)
