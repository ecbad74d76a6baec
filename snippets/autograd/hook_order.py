import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

w = torch.tensor([0.5, 1.5], device=device, requires_grad=True)
h = w * 2
o = h.exp()
loss = o.sum()

visited = []
w.register_post_accumulate_grad_hook(lambda leaf: visited.append("w.grad filled"))
h.register_hook(lambda grad: visited.append("gradient reaches h"))
o.register_hook(lambda grad: visited.append("gradient reaches o"))

loss.backward()
print(" -> ".join(visited))
