import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

w = torch.tensor([1.0, 2.0], device=device, requires_grad=True)  # a leaf we train
with torch.inference_mode():
    f = torch.tensor([3.0, 4.0], device=device) * 2  # an inference tensor
print("f.is_inference():", f.is_inference())

# Outside inference mode, with recording on. The gradient of a sum passes
# through unchanged, so AddBackward0 needs neither f nor w: nothing is saved.
s = f + w
print("s.grad_fn:", s.grad_fn.name(), " s.is_inference():", s.is_inference())
s.sum().backward()
print("w.grad:", w.grad.tolist())
