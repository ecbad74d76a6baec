import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

# torch.Tensor, the class, reads a lone int as a SIZE
empty = torch.Tensor(3)  # 3 float32 elements, never initialised
print("torch.Tensor(3):", tuple(empty.shape), empty.dtype)  # values: leftover memory, not shown
# torch.tensor, the function, reads it as DATA
three = torch.tensor(3, device=device)
print("torch.tensor(3):", tuple(three.shape), three.dtype, "value", three.item())

# From a list, torch.Tensor always uses the default float dtype;
# torch.tensor infers the dtype from the data
print("torch.Tensor([1, 2]):", torch.Tensor([1, 2]).dtype)
print("torch.tensor([1, 2]):", torch.tensor([1, 2], device=device).dtype)

# From an existing tensor, torch.tensor copies; torch.Tensor does not
source = torch.tensor([1, 2])
copy = torch.tensor(source)  # copies (and warns: clone() says it better)
alias = torch.Tensor(source)  # the same memory, and source's dtype
alias[0] = 100
print("source after alias[0] = 100:", source.tolist(), " copy:", copy.tolist())
print("alias.dtype:", alias.dtype)
