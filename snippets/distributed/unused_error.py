import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP


class TwoHeads(nn.Module):  # the aux head only runs when asked for
    def __init__(self):
        super().__init__()
        self.body, self.main, self.aux = nn.Linear(3, 3), nn.Linear(3, 1), nn.Linear(3, 1)

    def forward(self, x, use_aux=False):
        h = self.body(x).relu()
        return self.main(h) + self.aux(h) if use_aux else self.main(h)


def batch(rank, device):  # each rank's batch: 4 samples, seeded by the rank
    return torch.randn(4, 3, generator=torch.Generator().manual_seed(100 + rank)).to(device)


def train(rank, device):
    torch.manual_seed(0)
    model = DDP(TwoHeads().to(device))
    x = batch(rank, device)
    for step in range(2):
        model(x).sum().backward()  # step 0 runs; step 1's forward raises


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
