import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.randn(2, device=device, requires_grad=True)  # 1-D, shape (2,): not a matrix
w = torch.randn(2, 1, device=device, requires_grad=True)
print("x:", tuple(x.shape), "with", x.dim(), "dimension")
print("w:", tuple(w.shape), "with", w.dim(), "dimensions")

y = torch.mm(x, w)  # torch.mm accepts only 2-D tensors
