import os
import tempfile

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.checkpoint import checkpoint

batches = [torch.randn(4, 3, generator=torch.Generator().manual_seed(100 + rank)) for rank in (0, 1)]  # one each


class Net(torch.nn.Sequential):  # the second layer applied twice, each time under checkpoint
    def forward(self, x, use_reentrant):
        h = checkpoint(self[1], self[0](x), use_reentrant=use_reentrant)
        return checkpoint(self[1], h, use_reentrant=use_reentrant).sum()


def run(rank, tmp, device):
    dist.init_process_group("gloo", init_method=f"file://{tmp}/rendezvous", rank=rank, world_size=2)
    grads = {}
    for use_reentrant, static_graph in [(True, True), (False, False)]:
        torch.manual_seed(0)
        model = DDP(Net(torch.nn.Linear(3, 3), torch.nn.Linear(3, 3)).to(device), static_graph=static_graph)
        for iteration in (1, 2):  # static_graph counts the hook firings in 1 and relies on them from 2 on
            model.zero_grad()
            model(batches[rank].to(device), use_reentrant=use_reentrant).backward()
        model = model.module  # DDP goes before its process group; the model without it stays
        grads[f"use_reentrant={use_reentrant}, static_graph={static_graph}"] = model[1].weight.grad
    dist.destroy_process_group()
    return grads if rank == 0 else os._exit(0)  # rank 1 exits here: see the page


if __name__ == "__main__":
    device = "cuda" if torch.cuda.is_available() else "cpu"
    with tempfile.TemporaryDirectory() as tmp:  # the ranks meet through a file in it
        method = "spawn" if "__file__" in globals() else "fork"  # a notebook has no file to import
        rank1 = torch.multiprocessing.get_context(method).Process(target=run, args=(1, tmp, device))
        rank1.start()  # rank 1: a new process
        grads = run(0, tmp, device)  # rank 0: this process
        rank1.join()
    torch.manual_seed(0)  # the same model in one process, without DDP, on each batch alone
    model = Net(torch.nn.Linear(3, 3), torch.nn.Linear(3, 3)).to(device)
    local = [torch.autograd.grad(model(x.to(device), False), model[1].weight)[0] for x in batches]
    grads["mean of the ranks' gradients, without DDP"] = (local[0] + local[1]) / 2
    print(*(f"{name:42} {grad[0]}" for name, grad in grads.items()), sep="\n")
