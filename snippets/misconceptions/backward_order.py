import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

x = torch.tensor([1.0, 2.0], device=device, requires_grad=True)  # the leaf
a = x * 3
b = torch.exp(a)
loss = b.sum()  # the output: the root of the backward pass

arrivals = []


def report(name):
    def hook(grad):
        arrivals.append(name)
        print(f"gradient reaches {name:<5} {[round(g, 4) for g in grad.reshape(-1).tolist()]}")

    return hook


def written(leaf):
    arrivals.append("x.grad")
    print("x.grad is written:", [round(g, 4) for g in leaf.grad.tolist()])


# Registered leaf first, on purpose: the order of registration does not matter.
for name, tensor in [("x", x), ("a", a), ("b", b), ("loss", loss)]:
    tensor.register_hook(report(name))
x.register_post_accumulate_grad_hook(written)  # runs after x.grad is filled

loss.backward()
print("order:", " -> ".join(arrivals))
