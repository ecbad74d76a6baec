import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(3.0, device=device, requires_grad=True)
y = x**2

y.backward(retain_graph=True)  # keep the graph's saved tensors for another pass
print("x.grad after the first backward: ", x.grad.item())

y.backward()  # works; this last call may free the graph
print("x.grad after the second backward:", x.grad.item(), "(accumulated: 6 + 6)")
