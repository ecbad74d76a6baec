import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP


def loss(model, rank, device):  # each rank's batch: 4 samples, seeded by the rank
    g = torch.Generator().manual_seed(100 + rank)
    x, y = torch.randn(4, 3, generator=g), torch.randn(4, 1, generator=g)
    return F.mse_loss(model(x.to(device)), y.to(device))


def bf16_mean(calls, bucket):  # replaces DDP's all-reduce of one bucket of gradients
    calls.append([tuple(p.shape) for p in bucket.parameters()])
    flat = bucket.buffer()  # the bucket's gradients, flattened into one tensor
    half = flat.to(torch.bfloat16).div_(dist.get_world_size())  # half the bytes to send
    work = dist.all_reduce(half, async_op=True)  # sums over the ranks
    return work.get_future().then(lambda fut: flat.copy_(fut.value()[0]))  # back to float32


def train(rank, device):
    torch.manual_seed(0)
    model = DDP(torch.nn.Linear(3, 1).to(device))
    calls = []  # the hook's state: whatever object you register it with
    model.register_comm_hook(calls, bf16_mean)
    with model.no_sync():  # no communication, so no hook call
        loss(model, rank, device).backward()
    model.zero_grad()
    loss(model, rank, device).backward()
    return calls, model.module.weight.grad


def run(rank, init_method, device):  # one rank: join the group, train, leave it
    dist.init_process_group("gloo", init_method=init_method, rank=rank, world_size=2)
    try:
        return train(rank, device)  # returns first, so DDP is freed before its group
    finally:
        dist.destroy_process_group()


def launch(device):  # rank 1 in a new process, rank 0 in this one; returns rank 0's result
    context = mp.get_context("spawn")  # a fresh interpreter, which imports this file again
    with tempfile.TemporaryDirectory() as tmp:  # the ranks meet through a file in it
        rank1 = context.Process(target=run, args=(1, f"file://{tmp}/rendezvous", device))
        rank1.start()
        try:
            return run(0, f"file://{tmp}/rendezvous", device)
        finally:
            rank1.join()


if __name__ == "__main__":
    device = "cuda" if torch.cuda.is_available() else "cpu"
    calls, hooked = launch(device)
    torch.manual_seed(0)  # the same model in one process, without DDP
    model = torch.nn.Linear(3, 1).to(device)
    local = [torch.autograd.grad(loss(model, rank, device), model.weight)[0] for rank in (0, 1)]
    print("hook calls, shapes in each bucket:", calls)
    print("mean, exact:          ", (local[0] + local[1]) / 2)
    print("mean through bfloat16:", hooked)
