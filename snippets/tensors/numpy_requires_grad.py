import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

w = torch.tensor([1.0, 2.0], device=device, requires_grad=True)

# The idiom: leave the graph, copy to the CPU (a no-op there), then convert
values = w.detach().cpu().numpy()
print("w.detach().cpu().numpy():", values.tolist(), values.dtype)

# .cpu() alone is not enough: the result still requires grad
host = w.cpu()
print("w.cpu().requires_grad:", host.requires_grad)
host.numpy()  # refused: NumPy arrays are invisible to autograd
