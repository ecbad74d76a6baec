import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor([0.0, 1.0], device=device, requires_grad=True)
y = x.exp()  # exp saves its OUTPUT y: the derivative of exp(x) is exp(x)
print("y._version after exp: ", y._version)
saved = y.grad_fn._saved_result  # what ExpBackward0 kept for later
print("saved tensor is y's storage:", saved.untyped_storage().data_ptr() == y.untyped_storage().data_ptr())

y.add_(1)  # in place: y's numbers change and its version goes up
print("y._version after add_:", y._version)

loss = y.sum()  # the forward pass still works...
print("loss:", round(loss.item(), 4))
loss.backward()  # ...but backward finds the saved y at version 1, not 0
