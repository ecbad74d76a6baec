import torch
from torch.func import grad, vmap

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
batch = torch.randn(4, 3, device=device)


def soft_sign(row):  # a Python `if` that looks at the data
    if row.sum() > 0:
        return row
    return -row


def soft_sign_where(row):  # the same function with torch.where: no Python branch
    return torch.where(row.sum() > 0, row, -row)


looped = torch.stack([soft_sign(row) for row in batch])  # one row at a time: fine
print("torch.where under vmap == loop:", torch.equal(vmap(soft_sign_where)(batch), looped))
print("grad is fine with the `if` (one real value at a time):", grad(lambda r: soft_sign(r).sum())(batch[0]).tolist())
vmap(soft_sign)(batch)  # the whole batch at once: which branch would it take?
