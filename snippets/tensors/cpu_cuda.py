import torch

device = "cuda" if torch.cuda.is_available() else "cpu"
print("CUDA available:", torch.cuda.is_available())

x = torch.arange(4.0, device=device)
print("x:      ", x.device.type, "is_cuda", x.is_cuda)

host = x.cpu()  # copy to CPU memory (x itself if it already is there)
print("x.cpu():", host.device.type, "is_cuda", host.is_cuda)

back = host.to(device)  # .to(device) works on every machine; .cuda() needs a GPU
print("back:   ", back.device.type, "is_cuda", back.is_cuda)

# Operands of one operation must share a device. To combine with a tensor that
# may live elsewhere, move it to the other operand's device first:
bias = torch.ones(4)  # created without device=, so on the CPU
total = x + bias.to(x.device)
print("x + bias:", total.tolist(), total.device.type)
