import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

w = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
x = torch.tensor([3.0, 4.0], device=device)
h = w * x  # an intermediate result
loss = h.sum()


def show(grad):
    print("gradient arriving at h:", grad.tolist())  # returns None: gradient unchanged


def scale(grad):
    return grad * 10  # returning a tensor replaces the gradient that flows on


h.register_hook(show)
handle = h.register_hook(scale)  # hooks run in the order they were registered
loss.backward(retain_graph=True)  # keep the graph for a second pass below
print("w.grad with the scaling hook:", w.grad.tolist(), "= 10 * x")

handle.remove()  # a hook stays on its tensor until its handle is removed
w.grad = None
loss.backward()  # the same graph again, now without scale()
print("w.grad after handle.remove():", w.grad.tolist(), "= x")
