import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.checkpoint import checkpoint


class Net(nn.Module):  # one block applied twice, each time under checkpoint
    def __init__(self, use_reentrant):
        super().__init__()
        self.inp, self.block, self.use_reentrant = nn.Linear(3, 3), nn.Linear(3, 3), use_reentrant

    def forward(self, x):
        h = self.inp(x)
        for _ in range(2):
            h = checkpoint(self.block, h, use_reentrant=self.use_reentrant)
        return h.sum()


def batch(rank, device):  # each rank's batch: 4 samples, seeded by the rank
    return torch.randn(4, 3, generator=torch.Generator().manual_seed(100 + rank)).to(device)


def train(rank, device):
    torch.manual_seed(0)
    model = DDP(Net(use_reentrant=True).to(device))
    model(batch(rank, device)).backward()


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
    launch("cuda" if torch.cuda.is_available() else "cpu")
