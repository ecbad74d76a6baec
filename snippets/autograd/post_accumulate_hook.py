import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

w = torch.tensor([3.0, 4.0], device=device, requires_grad=True)
norms = []


def record_norm(param):
    # Called with the leaf itself, after its .grad has been updated
    norms.append(round(param.grad.norm().item(), 4))


w.register_post_accumulate_grad_hook(record_norm)

for step in range(3):
    loss = (w**2).sum() / 2  # dloss/dw = w, so the gradient norm is 5 each pass
    loss.backward()  # no zeroing: .grad accumulates, and the hook sees the sum
print("grad norm seen by the hook after each backward:", norms)
print("w.grad:", w.grad.tolist())

# A real use: update each parameter as soon as its gradient is ready, then free the gradient
v = torch.tensor([3.0, 4.0], device=device, requires_grad=True)


def sgd_step(param, lr=0.1):
    with torch.no_grad():
        param -= lr * param.grad
    param.grad = None


v.register_post_accumulate_grad_hook(sgd_step)
((v**2).sum() / 2).backward()
print("v after one backward:", [round(t, 4) for t in v.tolist()], " v.grad:", v.grad)
