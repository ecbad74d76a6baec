import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

made_there = torch.zeros(3, device=device)  # allocated on the device directly
made_on_cpu = torch.zeros(3)  # the default device is the CPU
moved = made_on_cpu.to(device)  # a copy on the device (no copy if already there)
print("made_there: ", made_there.device.type)
print("made_on_cpu:", made_on_cpu.device.type)
print("moved:      ", moved.device.type)

# .to() returns the tensor itself when nothing has to change...
print("t.to(t.device) is t:", made_there.to(made_there.device) is made_there)
print("t.to(t.dtype) is t: ", made_there.to(made_there.dtype) is made_there)

# ...and a new tensor when something does; the original is untouched.
doubled = made_there.to(torch.float64)
print("t.to(float64) is t: ", doubled is made_there, made_there.dtype, doubled.dtype)
forced = made_there.to(device, copy=True)
print("copy=True is t:     ", forced is made_there)

# A real conversion is an operation that autograd records, so its result is
# not a leaf. .to("cuda") of a CPU tensor is such a conversion too.
w = torch.zeros(3, requires_grad=True).to(torch.float64)
print("converted is_leaf:", w.is_leaf, "grad_fn:", w.grad_fn.name())
leaf = torch.zeros(3, dtype=torch.float64, device=device, requires_grad=True)
print("created with dtype= and device=, is_leaf:", leaf.is_leaf)
