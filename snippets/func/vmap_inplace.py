import torch
from torch.func import vmap

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
batch = torch.randn(4, 3, device=device)
calls = torch.zeros((), device=device)  # captured: meant to count the rows
buffer = torch.zeros(3, device=device)  # captured: preallocated outside, "to save memory"


def scaled_copy_new(row):  # a new tensor made from the input: it is batched too
    calls.add_(1)  # an unbatched value into a captured tensor: allowed
    out = torch.zeros_like(row)
    return out.copy_(2 * row)  # in place, into a tensor with a batch dimension


def scaled_copy_captured(row):  # in place, a batched value into the one shared buffer
    return buffer.copy_(2 * row)


print("zeros_like inside, then in place:", torch.equal(vmap(scaled_copy_new)(batch), 2 * batch))
print("rows:", len(batch), "| calls counted:", calls.item())  # one vmap call, not one per row
vmap(scaled_copy_captured)(batch)  # 4 rows cannot all be written into one (3,) buffer
