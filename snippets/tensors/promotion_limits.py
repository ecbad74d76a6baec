import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

halves = torch.tensor([0.1, 0.2], dtype=torch.float16, device=device)
scalar64 = torch.tensor(0.1, dtype=torch.float64, device=device)  # 0-dim: shape ()
vector64 = torch.tensor([0.1], dtype=torch.float64, device=device)  # 1-dim: shape (1,)
ints = torch.tensor([1, 2], device=device)

# A 0-dim tensor counts only when it is of a higher category (bool < int < float < complex)
print("float16 + 0-dim float64 ->", (halves + scalar64).dtype)
print("float16 + 1-dim float64 ->", (halves + vector64).dtype)
print("int64   + 0-dim float64 ->", (ints + scalar64).dtype)

# int64 + float32 -> float32, and float32 cannot hold every int64
big = torch.tensor([2**40 + 1], device=device)
mixed = big + torch.tensor([0.0], device=device)
print("int64 + float32 ->", mixed.dtype)
print("as int64:        ", big.item())
print("after promotion: ", int(mixed.item()))
print("float32 holds every integer only up to 2**24 =", 2**24)
