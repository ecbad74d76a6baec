import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class SimpleNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 5)
        self.fc2 = nn.Linear(5, 1)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


model = SimpleNN().to(device)
loss_fn = nn.MSELoss()
val_inputs = torch.randn(32, 10, device=device)
val_targets = torch.randn(32, 1, device=device)

model.eval()  # layer behaviour for evaluation (no effect on this model, a good habit)
with torch.no_grad():  # no graph: nothing will call backward on these
    outputs = model(val_inputs)
    val_loss = loss_fn(outputs, val_targets)

print(f"validation loss: {val_loss.item():.4f}")
print("outputs.requires_grad:", outputs.requires_grad, " outputs.grad_fn:", outputs.grad_fn)
print("val_loss.grad_fn:", val_loss.grad_fn)
model.train()  # back to training mode before the next training step
