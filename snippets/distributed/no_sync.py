import os
import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP


def loss(model, rank, device, micro=0):  # a batch of 4 samples, seeded by rank and micro-batch
    g = torch.Generator().manual_seed(100 + 10 * rank + micro)
    x, y = torch.randn(4, 3, generator=g), torch.randn(4, 1, generator=g)
    return F.mse_loss(model(x.to(device)), y.to(device))


def run(rank, tmp, device):  # one optimizer step's worth of gradients, from 2 micro-batches
    dist.init_process_group("gloo", init_method=f"file://{tmp}/rendezvous", rank=rank, world_size=2)
    torch.manual_seed(0)
    model = DDP(torch.nn.Linear(3, 1).to(device))
    with model.no_sync():  # this backward only accumulates, locally: no communication
        loss(model, rank, device, micro=0).backward()
    after_first = model.module.weight.grad.clone()
    loss(model, rank, device, micro=1).backward()  # accumulates, then all-reduces the sum
    model = model.module  # DDP goes before its process group; the model without it stays
    dist.destroy_process_group()
    return (after_first, model.weight.grad) if rank == 0 else os._exit(0)  # rank 1 exits here: see the page


if __name__ == "__main__":
    device = "cuda" if torch.cuda.is_available() else "cpu"
    with tempfile.TemporaryDirectory() as tmp:  # the ranks meet through a file in it
        method = "spawn" if "__file__" in globals() else "fork"  # a notebook has no file to import
        rank1 = mp.get_context(method).Process(target=run, args=(1, tmp, device))
        rank1.start()  # rank 1: a new process
        after_first, after_second = run(0, tmp, device)  # rank 0: this process
        rank1.join()
    torch.manual_seed(0)  # the same model in one process, without DDP
    model = torch.nn.Linear(3, 1).to(device)
    g = {(r, m): torch.autograd.grad(loss(model, r, device, m), model.weight)[0]
         for r in (0, 1) for m in (0, 1)}  # g[rank, micro]: one micro-batch's gradient alone
    print("after micro-batch 0, in no_sync:", after_first)
    print("rank 0's micro-batch 0 alone:   ", g[0, 0])
    print("after micro-batch 1, synced:    ", after_second)
    print("mean over ranks of their sums:  ", (g[0, 0] + g[0, 1] + g[1, 0] + g[1, 1]) / 2)
