import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

bn = nn.BatchNorm1d(2).to(device)  # running_mean starts at 0, momentum 0.1
batch = torch.randn(6, 2, device=device) * 3 + 5
print("batch mean:                ", [round(v, 4) for v in batch.mean(dim=0).tolist()])

with torch.no_grad():  # no graph, but a training-mode BatchNorm still updates its statistics
    bn(batch)
# running_mean = 0.9 * 0 + 0.1 * batch mean
print("after train() + no_grad:   ", [round(v, 4) for v in bn.running_mean.tolist()])

bn.eval()
before = bn.running_mean.clone()
normalised = bn(batch)  # eval: normalises with the stored statistics and leaves them alone
print("after eval():              ", [round(v, 4) for v in bn.running_mean.tolist()])
print("statistics unchanged in eval:", torch.equal(before, bn.running_mean))
print("eval output still recorded:  ", normalised.grad_fn is not None)
