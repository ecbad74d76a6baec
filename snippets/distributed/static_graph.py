import os
import sys
import tempfile

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.checkpoint import checkpoint


class Net(torch.nn.Sequential):  # the second layer applied twice, each time under checkpoint
    def forward(self, x, use_reentrant):
        h = checkpoint(self[1], self[0](x), use_reentrant=use_reentrant)
        return checkpoint(self[1], h, use_reentrant=use_reentrant).sum()


batches = [torch.randn(4, 3, generator=torch.Generator().manual_seed(100 + rank)) for rank in (0, 1)]  # one each


def run(rank, tmp, device):
    dist.init_process_group("gloo", init_method=f"file://{tmp}/rendezvous", rank=rank, world_size=2)
    grads = {}
    for use_reentrant, static_graph in [(True, True), (False, False)]:
        torch.manual_seed(0)
        model = DDP(Net(torch.nn.Linear(3, 3), torch.nn.Linear(3, 3)).to(device), static_graph=static_graph)
        for iteration in (1, 2):  # static_graph counts the hook firings in 1 and relies on them from 2 on
            model.zero_grad()
            model(batches[rank].to(device), use_reentrant=use_reentrant).backward()
        grads[f"use_reentrant={use_reentrant}, static_graph={static_graph}"] = model.module[1].weight.grad
    del model  # DDP goes before its process group
    dist.destroy_process_group()
    return grads


def rank1_main(tmp, device):  # rank 1's process: the same run, then an exit without Python's shutdown
    run(1, tmp, device)
    sys.stdout.flush()
    os._exit(0)  # as a forked child exits; the page says why (gloo threads, pytorch#190489)


if __name__ == "__main__":
    device = "cuda" if torch.cuda.is_available() else "cpu"
    with tempfile.TemporaryDirectory() as tmp:  # the ranks meet through a file in it
        method = "spawn" if "__file__" in globals() else "fork"  # a notebook has no file to import
        rank1 = torch.multiprocessing.get_context(method).Process(target=rank1_main, args=(tmp, device))
        rank1.start()  # rank 1: a new process
        grads = run(0, tmp, device)  # rank 0: this process
        rank1.join()
    torch.manual_seed(0)  # the same model in one process, without DDP, on each batch alone
    model = Net(torch.nn.Linear(3, 3), torch.nn.Linear(3, 3)).to(device)
    local = [torch.autograd.grad(model(x.to(device), False), model[1].weight)[0] for x in batches]
    grads["mean of the ranks' gradients, without DDP"] = (local[0] + local[1]) / 2
    print(*(f"{name:42} {grad[0]}" for name, grad in grads.items()), sep="\n")
