import os
import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel as DDP


def loss(model, rank, device, micro=0):  # a batch of 4 samples, seeded by rank and micro-batch
    g = torch.Generator().manual_seed(100 + 10 * rank + micro)
    x, y = torch.randn(4, 3, generator=g), torch.randn(4, 1, generator=g)
    return torch.nn.functional.mse_loss(model(x.to(device)), y.to(device))


def bf16_mean(calls, bucket):  # replaces DDP's all-reduce of one bucket of gradients
    calls.append([tuple(p.shape) for p in bucket.parameters()])
    half = bucket.buffer().to(torch.bfloat16).div_(dist.get_world_size())  # buffer(): gradients, flat
    future = dist.all_reduce(half, async_op=True).get_future()  # sums over the ranks, half the bytes
    return future.then(lambda fut: bucket.buffer().copy_(fut.value()[0]))  # back into the gradients


def run(rank, tmp, device):
    dist.init_process_group("gloo", init_method=f"file://{tmp}/rendezvous", rank=rank, world_size=2)
    torch.manual_seed(0)
    model, calls = DDP(torch.nn.Linear(3, 1).to(device)), []
    model.register_comm_hook(calls, bf16_mean)  # calls: the hook's state, any object
    loss(model, rank, device).backward()
    model = model.module  # DDP goes before its process group; the model without it stays
    dist.destroy_process_group()
    return (calls, model) if rank == 0 else os._exit(0)  # rank 1 exits here: see the page


if __name__ == "__main__":
    device = "cuda" if torch.cuda.is_available() else "cpu"
    with tempfile.TemporaryDirectory() as tmp:  # the ranks meet through a file in it
        method = "spawn" if "__file__" in globals() else "fork"  # a notebook has no file to import
        rank1 = mp.get_context(method).Process(target=run, args=(1, tmp, device))
        rank1.start()  # rank 1: a new process
        calls, model = run(0, tmp, device)  # rank 0: this process
        rank1.join()
    local = [torch.autograd.grad(loss(model, rank, device), model.weight)[0] for rank in (0, 1)]  # no DDP
    print("hook calls, shapes in each bucket:", calls)
    print("mean, exact:          ", (local[0] + local[1]) / 2)
    print("mean through bfloat16:", model.weight.grad)
