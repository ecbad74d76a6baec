import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

flipped = torch.arange(6, device=device).view(2, 3).T
print("shape", tuple(flipped.shape), "stride", flipped.stride(), "contiguous", flipped.is_contiguous())

# No single stride walks 0, 3, 1, 4, 2, 5 in memory, so a view is impossible:
flat = flipped.view(6)
