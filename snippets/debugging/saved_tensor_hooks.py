import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

model = nn.Sequential(nn.Linear(16, 64), nn.Tanh(), nn.Linear(64, 4)).to(device)
x = torch.randn(8, 16, device=device)
params = list(model.parameters())
plain = torch.autograd.grad(model(x).sum(), params)  # no hooks, for comparison

log = []


def pack(t):  # called in forward, for each tensor autograd saves
    log.append(f"pack {tuple(t.shape)} from {t.device.type}")
    return t.device, t.to("cpu")  # what autograd keeps: the device and a CPU copy


def unpack(packed):  # called in backward, when the tensor is needed
    device, t = packed
    log.append(f"unpack {tuple(t.shape)}")
    return t.to(device)


with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
    loss = model(x).sum()  # the hooks apply to what is saved inside the block
log.append("backward:")
grads = torch.autograd.grad(loss, params)
print("\n".join(log))
print("same gradients:", all(torch.equal(a, b) for a, b in zip(grads, plain)))

offload = torch.autograd.graph.save_on_cpu(pin_memory=torch.cuda.is_available())
with offload:  # the built-in pair: saved tensors wait on the CPU
    loss = model(x).sum()
grads = torch.autograd.grad(loss, params)
close = all(torch.allclose(a, b, rtol=1e-5, atol=1e-6) for a, b in zip(grads, plain))
print("same gradients with save_on_cpu, up to rounding:", close)
print("save_on_cpu keeps x itself, no copy:", offload.pack_hook(x)[1] is x)
