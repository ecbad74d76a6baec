import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


def backward_order(b_branch_last):
    w = torch.tensor([0.5, 1.5], device=device, requires_grad=True)
    b = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
    visited = []
    w.register_post_accumulate_grad_hook(lambda leaf: visited.append("w.grad filled"))
    b.register_post_accumulate_grad_hook(lambda leaf: visited.append("b.grad filled"))
    if not b_branch_last:
        short = (b * 3).sum()  # recorded before the deep branch
    h = w * 2
    o = h.exp()
    h.register_hook(lambda grad: visited.append("gradient reaches h"))
    o.register_hook(lambda grad: visited.append("gradient reaches o"))
    if b_branch_last:
        short = (b * 3).sum()  # recorded after the deep branch
    loss = o.sum() + short
    loss.backward()
    return w, b, visited


w, b, visited = backward_order(b_branch_last=True)
print("loss = (w*2).exp().sum() + (b*3).sum():")
print("  " + " -> ".join(visited))
_, _, visited_first = backward_order(b_branch_last=False)
print("the same loss, (b*3).sum() recorded first:")
print("  " + " -> ".join(visited_first))
