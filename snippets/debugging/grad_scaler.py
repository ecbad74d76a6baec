import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
scaler = torch.amp.GradScaler(device, init_scale=2.0**18)  # too large, on purpose
inputs = torch.randn(64, 8, device=device)
targets = torch.randn(64, 1, device=device)

for step in range(5):
    optimizer.zero_grad()
    with torch.autocast(device_type=device, dtype=torch.float16):
        loss = nn.functional.mse_loss(model(inputs), targets)
    scale = scaler.get_scale()
    scaler.scale(loss).backward()  # gradients of loss * scale, so small ones do not round to 0
    scaler.unscale_(optimizer)  # divide every .grad by the scale, in place
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)  # sees the true gradients
    before = [p.detach().clone() for p in model.parameters()]
    scaler.step(optimizer)  # skipped when a gradient is inf or nan
    scaler.update()  # after a skip: halve the scale
    moved = any(not torch.equal(b, p) for b, p in zip(before, model.parameters()))
    print(f"step {step}: scale {scale:7.0f}  grad norm {norm.item():7.4f}  step taken: {moved}")
