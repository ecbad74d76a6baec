import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

# One sample: feature x = 1, target y = 2; the best weight is w = 2.
x = torch.tensor(1.0, device=device)
y = torch.tensor(2.0, device=device)
history = {}

for clear in (True, False):
    print("with zero_grad():" if clear else "without zero_grad():")
    w = torch.tensor(1.0, device=device, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.1)
    history[clear] = []
    for step in range(4):
        if clear:
            optimizer.zero_grad()
        loss = (w * x - y) ** 2
        loss.backward()
        true_grad = 2 * (w.item() * x.item() - y.item()) * x.item()  # this step's gradient
        history[clear].append((w.item(), true_grad, w.grad.item()))
        print(f"  step {step}  w = {w.item():.4f}  this step's dloss/dw = {true_grad:+.4f}  w.grad = {w.grad.item():+.4f}")
        optimizer.step()
    print(f"  after 4 steps: w = {w.item():.4f}")
