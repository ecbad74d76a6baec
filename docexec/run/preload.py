"""Modules the worker imports ahead of the programs that will want them.

Torch imports these lazily, at a cost every fork would pay again: the first
optimizer step, checkpoint or vmap pulls in torch._dynamo (with sympy), a plot pulls
in matplotlib; about 1.3 s together here. The worker imports them once: at once
when the build has a batch of programs queued, otherwise when it is idle, so that a
single edited snippet under ``mkdocs serve`` is answered first.

A program must not notice: ``child.Reveal`` hides them from ``sys.modules`` until it
imports one, and replays what importing them did to the warnings filters.
"""

from __future__ import annotations

import importlib

EXTRAS = ("numpy", "sympy", "torch._dynamo", "torch.func", "torch.optim", "torch.utils.checkpoint", "matplotlib.pyplot")


def extras(pristine) -> None:
    for name in EXTRAS:
        importlib.import_module(name)
    pristine.after_extras()
