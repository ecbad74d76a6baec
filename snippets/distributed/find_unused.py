import os
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


def run(rank, tmp, device):
    dist.init_process_group("gloo", init_method=f"file://{tmp}/rendezvous", rank=rank, world_size=2)
    torch.manual_seed(0)
    model = DDP(TwoHeads().to(device), find_unused_parameters=True)
    x = torch.randn(4, 3, generator=torch.Generator().manual_seed(100 + rank)).to(device)
    for step in range(3):
        model.zero_grad()
        model(x).sum().backward()
    grads = {name: p.grad for name, p in model.module.named_parameters()}
    del model  # DDP goes before its process group
    dist.destroy_process_group()
    return grads if rank == 0 else os._exit(0)  # rank 1 exits here: see the page


if __name__ == "__main__":
    device = "cuda" if torch.cuda.is_available() else "cpu"
    with tempfile.TemporaryDirectory() as tmp:  # the ranks meet through a file in it
        method = "spawn" if "__file__" in globals() else "fork"  # a notebook has no file to import
        rank1 = mp.get_context(method).Process(target=run, args=(1, tmp, device))
        rank1.start()  # rank 1: a new process
        grads = run(0, tmp, device)  # rank 0: this process
        rank1.join()
    print("3 steps ran; aux.weight.grad:", grads["aux.weight"], " main.weight.grad:", grads["main.weight"])
