import torch

torch.manual_seed(0)  # randn below draws random numbers: seed for repeatable output
device = "cuda" if torch.cuda.is_available() else "cpu"

from_list = torch.tensor([[1, 2, 3], [4, 5, 6]], device=device)  # copies the data
zeros = torch.zeros(2, 3, device=device)
ones = torch.ones(2, 3, device=device)
steps = torch.arange(0, 10, 2, device=device)  # start, end (excluded), step
noise = torch.randn(2, 3, device=device)  # standard normal samples
same_shape = torch.ones_like(from_list)  # shape, dtype and device of from_list
same_shape_noise = torch.randn_like(zeros)

print("from_list:", from_list.tolist(), tuple(from_list.shape))
print("zeros:    ", zeros.tolist())
print("ones:     ", ones.tolist())
print("arange:   ", steps.tolist())
print("randn:    ", [[round(v, 4) for v in row] for row in noise.tolist()])
print("ones_like:", same_shape.tolist(), same_shape.dtype)
print("randn_like shape:", tuple(same_shape_noise.shape))
print("ndim, numel:", noise.ndim, noise.numel())
