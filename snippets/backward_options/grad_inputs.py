import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

w = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
b = torch.tensor(0.5, device=device, requires_grad=True)
x = torch.tensor([3.0, 4.0], device=device)
product = w * x
calls = []  # filled each time backward reaches `product`, on its way to w
product.register_hook(lambda grad: calls.append("w's branch"))
loss = product.sum() + b  # dloss/dw = x = [3, 4], dloss/db = 1

# Only b's gradient, returned: w's branch of the graph is not run at all.
(grad_b,) = torch.autograd.grad(loss, inputs=[b], retain_graph=True)
print("autograd.grad(loss, inputs=[b]):", grad_b.item(), " calls:", calls, " b.grad:", b.grad)

# backward(inputs=...) accumulates into the listed tensors' .grad only.
loss.backward(inputs=[w], retain_graph=True)
print("loss.backward(inputs=[w]):  w.grad:", w.grad.tolist(), " b.grad:", b.grad, " calls:", calls)

loss.backward()  # every leaf: w.grad accumulates a second time
print("loss.backward():            w.grad:", w.grad.tolist(), " b.grad:", b.grad.item())
