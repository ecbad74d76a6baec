import os
import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP


def batch(rank, device):  # 4 samples (inputs, targets), seeded by the rank
    g = torch.Generator().manual_seed(100 + 10 * rank)
    return torch.randn(4, 3, generator=g).to(device), torch.randn(4, 1, generator=g).to(device)


def run(rank, tmp, device):  # what each rank runs
    dist.init_process_group("gloo", init_method=f"file://{tmp}/rendezvous", rank=rank, world_size=2)
    torch.manual_seed(0)  # the same model on every rank (DDP also copies rank 0's weights)
    model = DDP(torch.nn.Linear(3, 1).to(device))
    x, y = batch(rank, device)
    F.mse_loss(model(x), y).backward()  # DDP all-reduces the gradients during backward
    grad = model.module.weight.grad
    del model  # DDP goes first: freed after its process group, it sometimes hung at exit (gloo)
    dist.destroy_process_group()
    return grad if rank == 0 else os._exit(0)  # rank 1 exits here: see the page


if __name__ == "__main__":
    device = "cuda" if torch.cuda.is_available() else "cpu"
    with tempfile.TemporaryDirectory() as tmp:  # the ranks meet through a file in it
        method = "spawn" if "__file__" in globals() else "fork"  # a notebook has no file to import
        rank1 = mp.get_context(method).Process(target=run, args=(1, tmp, device))
        rank1.start()  # rank 1: a new process
        ddp_grad = run(0, tmp, device)  # rank 0: this process
        rank1.join()
    torch.manual_seed(0)  # the same model in one process, without DDP
    model = torch.nn.Linear(3, 1).to(device)
    def grad(x, y):  # d(mean squared error)/d(weight), in this one process
        return torch.autograd.grad(F.mse_loss(model(x), y), model.weight)[0]
    local = [grad(*batch(rank, device)) for rank in (0, 1)]  # each batch alone
    print("rank 0's batch alone:", local[0])
    print("rank 1's batch alone:", local[1])
    print("DDP gradient, rank 0:", ddp_grad)
    print("mean of the two:     ", (local[0] + local[1]) / 2)
    print("the 8 samples as one:", grad(*(torch.cat(pair) for pair in zip(batch(0, device), batch(1, device)))))
