import torch

device = "cuda" if torch.cuda.is_available() else "cpu"


def draw_twice(dev):
    """Seed, draw, reseed, draw again on device dev."""
    torch.manual_seed(0)  # the one call: it is not told which device
    first = torch.rand(3, device=dev)
    torch.manual_seed(0)  # reseed: the generator starts over
    again = torch.rand(3, device=dev)
    return first, again


# The CPU always; the GPU too, if torch.cuda.is_available()
devices = ["cpu", "cuda"] if device == "cuda" else ["cpu"]
print("GPU present:", torch.cuda.is_available(), " devices tried:", devices)
draws = {}
for dev in devices:
    first, again = draw_twice(dev)
    draws[dev] = first
    seed = torch.initial_seed() if dev == "cpu" else torch.cuda.initial_seed()
    print(f"{dev:4} seed 0:", [round(v, 4) for v in first.tolist()])
    print(f"{dev:4} again: ", [round(v, 4) for v in again.tolist()], " same:", torch.equal(first, again))
    print(f"{dev:4} generator seed:", seed)

torch.manual_seed(1)  # another seed, other numbers
print("cpu  seed 1:", [round(v, 4) for v in torch.rand(3).tolist()])
