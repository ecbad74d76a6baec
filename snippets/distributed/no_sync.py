import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP


def loss(model, rank, micro, device):  # micro-batch `micro` of a rank: 4 samples, seeded
    g = torch.Generator().manual_seed(100 + 10 * rank + micro)
    x, y = torch.randn(4, 3, generator=g), torch.randn(4, 1, generator=g)
    return F.mse_loss(model(x.to(device)), y.to(device))


def train(rank, device):  # one optimizer step's worth of gradients, from 2 micro-batches
    torch.manual_seed(0)
    model = DDP(torch.nn.Linear(3, 1).to(device))
    with model.no_sync():  # this backward only accumulates, locally: no communication
        loss(model, rank, 0, device).backward()
    after_first = model.module.weight.grad.clone()
    loss(model, rank, 1, device).backward()  # accumulates, then all-reduces the sum
    return after_first, model.module.weight.grad


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
    after_first, after_second = launch(device)
    torch.manual_seed(0)  # the same model in one process, without DDP
    model = torch.nn.Linear(3, 1).to(device)
    g = {}  # g[rank, micro]: the gradient of one micro-batch alone
    for rank, micro in [(0, 0), (0, 1), (1, 0), (1, 1)]:
        g[rank, micro] = torch.autograd.grad(loss(model, rank, micro, device), model.weight)[0]
    print("after micro-batch 0, in no_sync:", after_first)
    print("rank 0's micro-batch 0 alone:   ", g[0, 0])
    print("after micro-batch 1, synced:    ", after_second)
    print("mean over ranks of their sums:  ", (g[0, 0] + g[0, 1] + g[1, 0] + g[1, 1]) / 2)
