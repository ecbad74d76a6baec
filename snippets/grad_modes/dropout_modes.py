import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

drop = nn.Dropout(p=0.5).to(device)  # zeroes each element with probability 0.5
x = torch.ones(8, device=device)  # and scales the survivors by 1 / (1 - 0.5) = 2

drop.train()
print("train():           ", drop(x).tolist())

with torch.no_grad():  # recording off, but the layer is still in training mode
    print("train() + no_grad: ", drop(x).tolist())

drop.eval()
print("eval():            ", drop(x).tolist())
