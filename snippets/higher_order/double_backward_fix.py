import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

q = torch.randn(1, 2, 4, 8, device=device, requires_grad=True)  # (batch, heads, tokens, features)
with sdpa_kernel(SDPBackend.MATH):  # attention from ordinary ops: every one has a double backward
    attention = F.scaled_dot_product_attention(q, q, q)
print("forward node:", type(attention.grad_fn).__name__)

(grad,) = torch.autograd.grad(attention.sum(), q, create_graph=True)
penalty = grad.pow(2).sum()
penalty.backward()
print("second backward ran; q.grad norm:", round(q.grad.norm().item(), 4))

with sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION]):  # same numbers?
    fused = F.scaled_dot_product_attention(q, q, q)
print("fused and math outputs agree:", torch.allclose(attention, fused, atol=1e-5))
