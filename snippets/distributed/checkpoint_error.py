import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.checkpoint import checkpoint


class Net(nn.Sequential):  # the second layer applied twice, each time under checkpoint
    def forward(self, x, use_reentrant):
        h = checkpoint(self[1], self[0](x), use_reentrant=use_reentrant)
        return checkpoint(self[1], h, use_reentrant=use_reentrant).sum()


def batch(rank, device):  # each rank's batch: 4 samples, seeded by the rank
    return torch.randn(4, 3, generator=torch.Generator().manual_seed(100 + rank)).to(device)


def run(rank, tmp, device):
    dist.init_process_group("gloo", init_method=f"file://{tmp}/rendezvous", rank=rank, world_size=2)
    try:
        torch.manual_seed(0)
        model = DDP(Net(nn.Linear(3, 3), nn.Linear(3, 3)).to(device))
        model(batch(rank, device), use_reentrant=True).backward()
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    device = "cuda" if torch.cuda.is_available() else "cpu"
    with tempfile.TemporaryDirectory() as tmp:  # the ranks meet through a file in it
        method = "spawn" if "__file__" in globals() else "fork"  # a notebook has no file to import
        rank1 = mp.get_context(method).Process(target=run, args=(1, tmp, device))
        rank1.start()  # rank 1: a new process
        try:
            run(0, tmp, device)  # rank 0: this process
        finally:
            rank1.join()  # rank 1's traceback comes out before rank 0's
