import torch
from torch.func import vmap

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
batch = torch.randn(4, 3, device=device)
buffer = torch.zeros(3, device=device)  # preallocated outside, "to save memory"


def scaled_copy_new(row):  # a new tensor made from the input: it is batched too
    out = torch.zeros_like(row)
    return out.copy_(2 * row)  # in place, into a tensor with a batch dimension


def scaled_copy_captured(row):  # in place, into the one shared buffer
    return buffer.copy_(2 * row)


print("zeros_like inside, then in place:", torch.equal(vmap(scaled_copy_new)(batch), 2 * batch))
vmap(scaled_copy_captured)(batch)  # 4 rows cannot all be written into one (3,) buffer
