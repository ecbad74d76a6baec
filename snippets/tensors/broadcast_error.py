import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

a = torch.ones(2, 3, device=device)  # shape (2, 3)
b = torch.ones(4, device=device)  # shape    (4,)
print("a", tuple(a.shape), "b", tuple(b.shape))

# Trailing sizes 3 and 4 differ and neither is 1: no broadcast is possible.
c = a + b
