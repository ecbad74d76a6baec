import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
layer = torch.nn.Linear(3, 2).to(device)
layer.register_full_backward_hook(lambda module, grad_input, grad_output: print("hook"))

x = torch.randn(4, 3, device=device, requires_grad=True)
compiled = torch.compile(layer, backend="aot_eager", fullgraph=True)
compiled(x).sum().backward()
