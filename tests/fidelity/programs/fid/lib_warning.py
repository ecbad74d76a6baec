import torch
import torch.nn.functional as F

x = torch.ones(2, 3)
print(F.softmax(x))
