"""Modules the worker imports ahead of the programs that will want them.

Torch imports these lazily, at a cost every fork would pay again: the first
optimizer step, checkpoint or vmap pulls in torch._dynamo (with sympy), a plot pulls
in matplotlib; about 1.3 s together here. The worker imports them once: at once
when the build has a batch of programs queued; under ``mkdocs serve``, also once it
is idle after answering, so that a single edited snippet is answered first and the
next one finds them. A one-shot build with fewer than four programs never imports them.

A program must not notice: ``child.Reveal`` hides them from ``sys.modules`` until it
imports one, and replays what importing them did to the warnings filters.
"""

from __future__ import annotations

import gc
import importlib

EXTRAS = ("numpy", "sympy", "torch._dynamo", "torch.func", "torch.optim", "torch.utils.checkpoint", "matplotlib.pyplot")


def _warm_compile() -> None:
    """The first ``torch.compile`` in a process imports and sets up the AOTAutograd and FX
    machinery: about 1.5 s that each compiling snippet's fork would pay again (measured:
    first compile 1.6 s, the next 0.12 s). Compile a throwaway function once, with the
    backend the pages use, then ``torch._dynamo.reset()``: no cache entry or counter of
    it is left for a program to see, only the modules it imported (hidden, as above)."""
    import torch

    def throwaway(x):
        return (x.sin() * 2).sum()

    x = torch.ones(3, requires_grad=True)
    torch.compile(throwaway, backend="aot_eager")(x).backward()
    torch._dynamo.reset()


def extras(pristine) -> None:
    gc.disable()  # as for `import torch` in the worker: no collector walks over all that is created
    try:
        for name in EXTRAS:
            importlib.import_module(name)
        _warm_compile()
    finally:
        gc.collect()  # the throwaway compile's cycles go now, as a collection would have done
        gc.freeze()
        gc.enable()
    pristine.after_extras()
