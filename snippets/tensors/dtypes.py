import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

floats = torch.tensor([1.0, 2.0], device=device)
ints = torch.tensor([3, 5], device=device)  # a target written as [3, 5] is an integer tensor
flags = torch.tensor([True, False], device=device)
print("floats:", floats.dtype)
print("ints:  ", ints.dtype)
print("flags: ", flags.dtype)

# Type promotion: the result gets a dtype that can hold both operands.
print("int64 + float32 ->", (ints + floats).dtype)
print("int64 + 0.5     ->", (ints + 0.5).dtype)
print("int64 / 2       ->", (ints / 2).dtype, (ints / 2).tolist())  # true division gives floats
print("int64 // 2      ->", (ints // 2).dtype, (ints // 2).tolist())
print("float32 + float64 ->", (floats + floats.double()).dtype)

# A Python number does not widen a tensor's float type; a tensor with dimensions does.
halves = torch.tensor([1.0, 2.0], dtype=torch.float16, device=device)
print("float16 + 1.0     ->", (halves + 1.0).dtype)
print("float16 + float32 ->", (halves + floats).dtype)

# Ask for a dtype at creation, or convert with .to() / .float() / .long()
explicit = torch.tensor([3, 5], dtype=torch.float32, device=device)
converted = ints.to(torch.float32)
print("explicit:", explicit.dtype, "converted:", converted.dtype, converted.tolist())
