import tempfile

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP


class TwoHeads(nn.Module):  # the aux head only runs when asked for
    def __init__(self):
        super().__init__()
        self.body, self.main, self.aux = nn.Linear(3, 3), nn.Linear(3, 1), nn.Linear(3, 1)

    def forward(self, x, use_aux=False):
        h = self.body(x).relu()
        return self.main(h) + self.aux(h) if use_aux else self.main(h)


def run(rank, tmp, device):
    dist.init_process_group("gloo", init_method=f"file://{tmp}/rendezvous", rank=rank, world_size=2)
    try:
        torch.manual_seed(0)
        module = TwoHeads().to(device)
        x = torch.randn(4, 3, generator=torch.Generator().manual_seed(100 + rank)).to(device)
        own = torch.autograd.grad(module(x).sum(), module.main.weight)[0]  # this rank's gradient, alone
        model = DDP(module)
        model(x).sum().backward()  # iteration 1 runs; aux's bucket never completes
        if rank == 0:
            print("iteration 1 left rank 0 its own gradient:", torch.equal(module.main.weight.grad, own))
        dist.barrier()  # rank 1 waits for those lines, so they come before the tracebacks
        model(x).sum().backward()  # iteration 2: the forward raises
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    device = "cuda" if torch.cuda.is_available() else "cpu"
    with tempfile.TemporaryDirectory() as tmp:  # the ranks meet through a file in it
        method = "spawn" if "__file__" in globals() else "fork"  # a notebook has no file to import
        rank1 = torch.multiprocessing.get_context(method).Process(target=run, args=(1, tmp, device))
        rank1.start()  # rank 1: a new process
        try:
            run(0, tmp, device)  # rank 0: this process
        finally:
            rank1.join()  # rank 1's traceback comes out before rank 0's
