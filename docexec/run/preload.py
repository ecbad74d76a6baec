"""Modules the worker imports ahead of the programs that will want them, and the check
that the worker is still safe to fork.

Torch imports these lazily, at a cost every fork would pay again: the first
optimizer step, checkpoint or vmap pulls in torch._dynamo (with sympy), a plot pulls
in matplotlib, and the first ``torch.compile`` the AOTAutograd, FX and backend modules.
The worker imports them once: at once when the build has a batch of programs queued;
under ``mkdocs serve``, also once it is idle after answering, so that a single edited
snippet is answered first and the next one finds them. A one-shot build with fewer
than four programs never imports them.

**Import, never run.** The worker forks every program, so it must not compile or
differentiate anything itself: on a build of torch with CUDA, a backward pass in the
parent starts autograd's device threads, and every fork then fails with "Unable to
handle autograd's threading in combination with fork-based multiprocessing"; a
``torch.compile`` call initialises CUDA where a GPU is visible, and every fork fails
with "Cannot re-initialize CUDA in forked subprocess". Importing is safe on every build,
and it is most of what a first compile costs (``benchmarks/README.md``). The same on
every build: a worker that never runs torch leaves nothing behind for a program to
notice. ``check_fork_safe`` is asked before every batch of forks.

A program must not notice: ``child.Reveal`` hides these modules from ``sys.modules``
until it imports one, and replays what importing them did to the warnings filters.
"""

from __future__ import annotations

import gc
import importlib
import os

EXTRAS = ("numpy", "sympy", "torch._dynamo", "torch.func", "torch.optim", "torch.utils.checkpoint", "matplotlib.pyplot")

# What a first torch.compile(..., backend="aot_eager") imports beyond EXTRAS: these roots
# bring in 572 of the 589 modules it loads (torch 2.13). Dynamo imports every registered
# backend while it looks one up, hence the backends. A name a torch version lacks is skipped.
COMPILE = (
    "torch._functorch.aot_autograd",
    "functorch.compile",
    "torch._inductor.compile_fx",
    "torch._dynamo.repro.after_aot",
    "torch._dynamo.backends.common",
    "torch._dynamo.backends.debugging",
    "torch._dynamo.backends.inductor",
    "torch._dynamo.backends.cudagraphs",
    "torch._dynamo.backends.onnxrt",
    "torch._dynamo.backends.tvm",
    "torch._dynamo.backends.tensorrt",
    "torch._dynamo.backends.torchxla",
)


class ForkUnsafe(RuntimeError):
    """The worker has done something that breaks every fork it would make from now on."""


def _autograd_threads() -> int:
    """Autograd's device threads (named ``pt_autograd_N``): the engine starts them on its
    first backward pass on a build with a device other than the CPU, and from then on
    every fork of this process refuses to run one."""
    count = 0
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/comm") as comm:
                count += comm.read().startswith("pt_autograd_")
        except OSError:  # the thread ended meanwhile
            pass
    return count


def check_fork_safe() -> None:
    """Raise ``ForkUnsafe``, naming the cause, if a fork of this process could not run a
    program as a new interpreter would."""
    import torch

    if torch.cuda.is_initialized():
        raise ForkUnsafe(
            "docexec: the worker has initialised CUDA, so no fork of it can use the GPU "
            "('Cannot re-initialize CUDA in forked subprocess'). Something in the worker ran torch "
            "(a torch.compile call, a CUDA tensor); before it forks, it may only import modules."
        )
    threads = _autograd_threads()
    if threads:
        raise ForkUnsafe(
            f"docexec: the worker has run autograd's engine ({threads} pt_autograd threads), so no fork of it "
            "can run a backward pass ('Unable to handle autograd's threading in combination with fork-based "
            "multiprocessing'). Something in the worker differentiated; before it forks, it may only import modules."
        )


def extras(pristine) -> None:
    gc.disable()  # as for `import torch` in the worker: no collector walks over all that is created
    try:
        for name in EXTRAS:
            importlib.import_module(name)
        for name in COMPILE:
            try:
                importlib.import_module(name)
            except ImportError:  # not in this torch version, or it needs a package that is absent
                pass
    finally:
        gc.collect()
        gc.freeze()
        gc.enable()
    pristine.after_extras()
