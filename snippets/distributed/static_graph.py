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
    grads = {}
    for use_reentrant, static_graph in [(True, True), (False, False)]:
        torch.manual_seed(0)
        model = DDP(Net(use_reentrant).to(device), static_graph=static_graph)
        model(batch(rank, device)).backward()
        grads[use_reentrant, static_graph] = model.module.block.weight.grad
    return grads


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
    grads = launch(device)
    torch.manual_seed(0)  # the same model in one process, without DDP, on each batch alone
    model = Net(use_reentrant=False).to(device)
    local = [torch.autograd.grad(model(batch(rank, device)), model.block.weight)[0] for rank in (0, 1)]
    mean = (local[0] + local[1]) / 2
    for (use_reentrant, static_graph), grad in grads.items():
        print(f"use_reentrant={use_reentrant}, static_graph={static_graph}:", grad[0])
    print("mean of the ranks' gradients, without DDP:     ", mean[0])
