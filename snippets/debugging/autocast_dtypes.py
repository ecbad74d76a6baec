import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
x = torch.randn(4, 8, device=device)
y = torch.randn(4, 1, device=device)

with torch.autocast(device_type=device, dtype=torch.bfloat16):
    hidden = model[0](x)  # a matrix multiply: autocast runs it in bfloat16
    output = model[2](torch.relu(hidden))  # relu keeps its input's dtype
    loss = nn.functional.mse_loss(output, y)  # a loss: autocast runs it in float32
print("x:", x.dtype, " Linear output:", hidden.dtype, " model output:", output.dtype, " loss:", loss.dtype)

loss.backward()  # outside autocast: backward runs each op in the dtype its forward used
print("weights:", model[0].weight.dtype, " their gradients:", model[0].weight.grad.dtype)
