import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

with torch.no_grad():
    counts = torch.zeros(3, device=device)
counts.add_(1)  # a no_grad tensor is an ordinary tensor: fine anywhere
print("no_grad tensor after add_:", counts.tolist())

with torch.inference_mode():
    totals = torch.zeros(3, device=device)
    totals.add_(1)  # in place inside inference mode: fine
    print("inside inference_mode:", torch.is_inference_mode_enabled(), totals.tolist())

print("is_inference():", totals.is_inference(), " inference_mode on:", torch.is_inference_mode_enabled())
totals.add_(1)  # in place outside inference mode: refused
