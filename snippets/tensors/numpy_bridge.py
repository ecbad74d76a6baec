import numpy as np
import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

array = np.array([1.0, 2.0, 3.0])  # NumPy's default float is float64
shared = torch.from_numpy(array)  # a CPU tensor over the same memory
copied = torch.tensor(array)  # torch.tensor always copies
print("from_numpy:", shared.dtype, shared.device.type)

array[0] = 10.0  # change the array...
print("after array[0] = 10: shared", shared.tolist(), "copied", copied.tolist())

shared[1] = 20.0  # ...or change the tensor
print("after shared[1] = 20: array", array.tolist())

cpu_tensor = torch.zeros(3)  # .numpy() needs a CPU tensor, and shares its memory
view = cpu_tensor.numpy()
view[2] = 7.0
print("cpu_tensor after view[2] = 7:", cpu_tensor.tolist())

# A tensor on another device goes through .cpu() first; for a CUDA tensor that
# is a copy, so the NumPy array no longer follows it.
on_device = torch.arange(3.0, device=device)
result = on_device.cpu().numpy()
print("on_device.cpu().numpy():", result.tolist(), result.dtype)
