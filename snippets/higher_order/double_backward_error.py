import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

q = torch.randn(1, 2, 4, 8, device=device, requires_grad=True)  # (batch, heads, tokens, features)
with sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION]):  # the fused kernels
    attention = F.scaled_dot_product_attention(q, q, q)
print("forward node:", type(attention.grad_fn).__name__)

(grad,) = torch.autograd.grad(attention.sum(), q, create_graph=True)  # first derivative: fine
print("first derivative recorded, grad_fn:", type(grad.grad_fn).__name__)
penalty = grad.pow(2).sum()
penalty.backward()  # the second backward reaches the fused kernel's backward
