import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

t = torch.ones(3, device=device)
print("start:      ", t.tolist(), "version", t._version)

u = t.add(1)  # out of place: a new tensor, t is unchanged
print("t.add(1):   ", t.tolist(), "version", t._version, "| result", u.tolist())

same = t.add_(1)  # trailing underscore: changes t itself and returns it
print("t.add_(1):  ", t.tolist(), "version", t._version, "| returns t:", same is t)

t.mul_(3)  # every in-place op bumps the version counter
t += 1  # augmented assignment is in place too
t[0] = 0  # and so is writing through indexing
print("after 3 more:", t.tolist(), "version", t._version)

v = t.view(3)  # a view shares the data and the version counter
v.zero_()
print("after v.zero_():", t.tolist(), "t version", t._version, "v version", v._version)
