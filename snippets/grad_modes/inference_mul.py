import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

w = torch.tensor([1.0, 2.0], device=device, requires_grad=True)  # a leaf we train
with torch.inference_mode():
    f = torch.tensor([3.0, 4.0], device=device) * 2  # an inference tensor
print("f.is_inference():", f.is_inference())

# d(f * w)/dw = f, so MulBackward0 would have to save f for backward():
# that is the one thing an inference tensor cannot be used for
p = f * w
