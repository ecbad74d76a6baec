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


def train(rank, device):  # what every rank runs, once the group is up
    torch.manual_seed(0)  # the same model on every rank (DDP also copies rank 0's weights)
    model = DDP(torch.nn.Linear(3, 1).to(device))
    loss(model, rank, device).backward()  # DDP all-reduces the gradients during backward
    return model.module.weight.grad


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
    ddp_grad = launch(device)
    torch.manual_seed(0)  # the same model in one process, without DDP, on each batch alone
    model = torch.nn.Linear(3, 1).to(device)
    local = [torch.autograd.grad(loss(model, rank, device), model.weight)[0] for rank in (0, 1)]
    print("rank 0's batch alone:", local[0])
    print("rank 1's batch alone:", local[1])
    print("DDP gradient, rank 0:", ddp_grad)
    print("mean of the two:     ", (local[0] + local[1]) / 2)
