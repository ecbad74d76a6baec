"""A fork server: import torch once, then run every snippet in a fresh fork.

Protocol, one JSON object per line: a request ``{"path", "timeout", "seeds"}``
on stdin, the answer ``{"runs": [...]}`` on stdout, one entry per seed. The
runs of one request go in parallel, so the determinism check (two runs with
different seeds) costs wall time of about one run.

Why a separate process rather than forking the build: MkDocs' own modules and
state must not leak into snippets, and this process never touches torch beyond
the import, so no thread pool or CUDA context exists yet when it forks.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time

import torch  # noqa: F401 - preloaded so each fork starts with it imported

# Imported lazily by torch on first use (the first optimizer step pulls in
# torch._dynamo, about 2 s here): preloading them once saves that in every fork.
import numpy  # noqa: F401
import torch._dynamo  # noqa: F401
import torch.func  # noqa: F401
import torch.optim  # noqa: F401
import torch.utils.checkpoint  # noqa: F401

from docexec import child

ROOT = os.environ.get("DOCEXEC_ROOT", os.getcwd())


def _start(path: str, seed: int) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:  # the child: run, send the result, leave without cleanup
        os.close(read_end)
        try:
            result = child.run(path, seed, ROOT)
        except BaseException as exc:  # pragma: no cover - a bug in child.py itself
            result = {"crash": f"{type(exc).__name__}: {exc}"}
        with os.fdopen(write_end, "w") as pipe:
            json.dump(result, pipe)
        os._exit(0)
    os.close(write_end)
    return pid, read_end


def _collect(children: list[tuple[int, int]], timeout: float) -> list[dict]:
    """Read every child's result; a child still running at the deadline is killed."""
    deadline = time.monotonic() + timeout
    chunks = {fd: [] for _, fd in children}
    open_fds = set(chunks)
    while open_fds:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select(list(open_fds), [], [], left)
        for fd in ready:
            data = os.read(fd, 65536)
            if data:
                chunks[fd].append(data)
            else:
                open_fds.discard(fd)
    results = []
    for pid, fd in children:
        if fd in open_fds:
            os.kill(pid, signal.SIGKILL)
            results.append({"timeout": timeout})
        else:
            raw = b"".join(chunks[fd])
            results.append(json.loads(raw) if raw else {"crash": "the child died without a result"})
        os.waitpid(pid, 0)
        os.close(fd)
    return results


def main() -> None:
    print(json.dumps({"ready": True, "torch": torch.__version__}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        children = [_start(request["path"], seed) for seed in request["seeds"]]
        runs = _collect(children, request["timeout"])
        print(json.dumps({"runs": runs}), flush=True)


if __name__ == "__main__":
    main()
