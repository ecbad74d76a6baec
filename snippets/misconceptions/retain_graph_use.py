import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor(2.0, device=device, requires_grad=True)
y = x**3

y.backward(retain_graph=True)  # keep the graph's saved values for another pass
print("after the first backward: ", x.grad.item())
y.backward()  # allowed thanks to retain_graph above; this pass frees the graph
print("after the second backward:", x.grad.item(), "(accumulated)")
y.backward()  # the graph is gone now: raises
