import numpy as np
import torch

device = "cuda" if torch.cuda.is_available() else "cpu"
w = torch.tensor([0.3, 1.7, 2.6], device=device, requires_grad=True)

results = {
    "torch.tensor(w.sum().item())": torch.tensor(w.sum().item(), device=device),  # a Python float
    "NumPy: np.square(w.detach()...)": torch.from_numpy(np.square(w.detach().cpu().numpy())).to(device),
    "w.argmax()": w.argmax(),  # an integer index
    "w.round()": w.round(),  # recorded, but flat almost everywhere
}
for name, r in results.items():
    grad_fn = r.grad_fn.name() if r.grad_fn else None
    print(f"{name:32} dtype {str(r.dtype):14} requires_grad {str(r.requires_grad):5} grad_fn {grad_fn}")

scale = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
loss = (w.round() * scale.norm().item()).sum()  # scale enters only through .item()
loss.backward()
print("w.grad, through round():", w.grad.tolist())
print("scale.grad, through .item():", scale.grad)
