import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.randn(2, 4, 8, device=device, requires_grad=True)  # (batch, tokens, features)
for dropout, mode in [(0.1, "train"), (0.0, "train"), (0.1, "eval")]:  # 0.1: the layer's default
    layer = nn.TransformerEncoderLayer(8, nhead=2, dropout=dropout, batch_first=True).to(device)
    layer.train(mode == "train")
    (grad,) = torch.autograd.grad(layer(x).sum(), x, create_graph=True)
    try:
        grad.pow(2).sum().backward()  # the second backward
        result = "second backward works"
    except RuntimeError as error:  # a fused attention kernel was used
        result = str(error).split(".")[0]
    print(f"dropout={dropout}, {mode:5}: {result}")
