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
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
inputs = torch.randn(16, 10, device=device)
targets = torch.randn(16, 1, device=device)

for step in range(3):
    optimizer.zero_grad()  # 1. clear last step's gradients (sets them to None)
    outputs = model(inputs)  # 2. forward
    loss = loss_fn(outputs, targets)  # 3. loss
    loss.backward()  # 4. gradients into every parameter's .grad
    optimizer.step()  # 5. update the parameters
    print(f"step {step}: loss = {loss.item():.4f}")

optimizer.zero_grad()
print("grad after zero_grad():", model.fc1.weight.grad)
