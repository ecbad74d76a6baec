import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


def f(x, w):
    h = (x @ w).sin()
    return (h.cos() * h).sum()


x = torch.randn(8, 4, device=device)
w = torch.randn(4, 3, device=device, requires_grad=True)
saved = []


def pack(tensor):  # called once for every tensor saved for backward
    saved.append(tuple(tensor.shape))
    return tensor


runs = {
    "eager": f,
    "aot_eager_default_partitioner": torch.compile(f, backend="aot_eager_default_partitioner"),
    "aot_eager (min-cut partitioner)": torch.compile(f, backend="aot_eager"),
}
(expected,) = torch.autograd.grad(f(x, w), w)
for name, fn in runs.items():
    saved.clear()
    w.grad = None
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        fn(x, w).backward()
    print(f"{name:32} saves {len(saved)}: {saved}")
    print(f"{'':32} same gradient as eager: {torch.allclose(w.grad, expected)}")
