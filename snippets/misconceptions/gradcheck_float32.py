import torch
from torch.autograd import gradcheck

device = "cuda" if torch.cuda.is_available() else "cpu"
values = [0.5, 1.0, 2.0]

x64 = torch.tensor(values, dtype=torch.float64, device=device, requires_grad=True)
print("gradcheck(sin) in float64:", gradcheck(torch.sin, (x64,)))

# float32 finite differences are too coarse: the same correct derivative "fails".
x32 = torch.tensor(values, dtype=torch.float32, device=device, requires_grad=True)
gradcheck(torch.sin, (x32,))
