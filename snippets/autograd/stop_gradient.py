import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

a = torch.tensor(2.0, device=device, requires_grad=True)
b = torch.tensor(3.0, device=device, requires_grad=True)

# b takes part in two paths; detach() cuts only the first one
z = a * b.detach() + a * b
z.backward()
print("a.grad:", a.grad.item(), "= b + b (both paths reach a)")
print("b.grad:", b.grad.item(), "= a (only the second path reaches b)")

# detach() as a stop-gradient: the value is used, its gradient is not
target = (a * 5).detach()  # a fixed target computed from a
a.grad = None
loss = (a - target) ** 2
loss.backward()
print("loss:", loss.item(), " a.grad:", a.grad.item(), "= 2 * (a - target), target held fixed")
(without,) = torch.autograd.grad((a - a * 5) ** 2, a)  # the target differentiated too
print("without detach():", without.item(), "= 32 * a")
