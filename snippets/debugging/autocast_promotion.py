import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

layer = nn.Linear(8, 16).to(device)
head = nn.Linear(16, 1).to(device)
x = torch.randn(4, 8, device=device)
shift = torch.randn(16, device=device)  # float32, made outside the block

with torch.autocast(device_type=device, dtype=torch.bfloat16):
    hidden = layer(x)  # on autocast's list: bfloat16
    relu = torch.relu(hidden)  # not on a list: its input's dtype
    scaled = hidden * 2.5  # a Python number does not widen a tensor
    shifted = hidden + shift  # bfloat16 + float32 tensor: promoted to float32
    output = head(shifted)  # on the list again: cast down to bfloat16
results = {"layer(x)": hidden, "relu": relu, "hidden * 2.5": scaled, "hidden + shift": shifted, "head(...)": output}
for name, tensor in results.items():
    print(f"{name:15}", tensor.dtype)
print("expected for hidden + shift:", torch.promote_types(torch.bfloat16, torch.float32))
