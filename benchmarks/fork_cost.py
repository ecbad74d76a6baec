"""What one run costs a fork-per-run executor before the program does anything.

Not a test and not part of the build: a measurement behind benchmarks/README.md's
account of the cold-build ratio. A process starts as docexec's worker does
(``import torch``, then ``preload.extras``: the lazy modules, the compile warm-up, the
collector frozen, the extras hidden), collapses its memory into huge pages as the
worker does before a batch, then forks N times for each body
and reports the CPU time of the parent and of the children per fork, and the
children's page faults:

- ``exit``: the child exits at once (the fork and its teardown, nothing else);
- ``print``: it prints one line;
- ``tensor``: a three-element tensor, one backward and its repr, the smallest
  autograd snippet, whose first-use costs a fresh process pays again each time
  (its repr imports a hidden module, so this fork also brings them all back, as
  ``child.Reveal`` does in a run);
- ``compile``: a first ``torch.compile(..., backend="aot_eager")`` and its backward, as
  every snippet of the compile pages does in its own fork.

    .venv/bin/python benchmarks/fork_cost.py [--forks 50]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from docexec.run import child, hugepages, preload  # noqa: E402

PRISTINE = child.FreshInterpreter({})  # before the extras, as in the worker: it notes what `import torch` left
preload.extras(PRISTINE)


def body(kind: str) -> None:
    if kind == "print":
        with open(os.devnull, "w") as null:
            print("hi", file=null)
    elif kind == "tensor":
        x = torch.ones(3, requires_grad=True)
        (x * 2).sum().backward()
        repr(x.grad)
    elif kind == "compile":
        x = torch.ones(3, requires_grad=True)
        torch.compile(lambda t: (t.cos() * 3).sum(), backend="aot_eager")(x).backward()


def cpu() -> tuple[float, float, int]:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime, children.ru_minflt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forks", type=int, default=50)
    parser.add_argument("--bodies", default="exit,print,tensor,compile")
    args = parser.parse_args()
    forks = args.forks
    print(f"torch {torch.__version__}; {hugepages.collapse() >> 20} MiB collapsed into huge pages; {forks} forks each")
    for kind in args.bodies.split(","):
        before, failed = cpu(), 0
        for _ in range(forks):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child
                status = 1  # a body that raises (a poisoned fork) is counted, not timed as if it worked
                try:
                    sys.meta_path.insert(0, child.Reveal(PRISTINE.hidden, PRISTINE))  # as child.run does
                    body(kind)
                    status = 0
                finally:
                    os._exit(status)
            failed += os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0
        after = cpu()
        parent, forked, faults = ((a - b) / forks for a, b in zip(after, before))
        print(f"{kind:<7} parent {1000 * parent:5.1f} ms  child {1000 * forked:5.1f} ms  child faults {faults:6.0f}"
              + (f"  FAILED in {failed} of {forks} forks" if failed else ""))


if __name__ == "__main__":
    main()
