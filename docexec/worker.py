"""A fork server: import torch once, then run every snippet in a fresh fork.

Protocol, one JSON object per line. Request on stdin:
``{"id", "path", "timeout", "seeds"}``; answer on stdout: ``{"id", "runs": [...]}``,
one run per seed. Each seed's run is its own fork, and the forks of up to
``LANES`` requests run at once, so the determinism check (two runs with
different seeds) and the fork/exit cost overlap with other snippets' work.
Answers come back as requests finish, not in order.

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
# torch._dynamo, about 1-2 s here): preloading them once saves that in every fork.
import numpy  # noqa: F401
import torch._dynamo  # noqa: F401
import torch.func  # noqa: F401
import torch.optim  # noqa: F401
import torch.utils.checkpoint  # noqa: F401

from docexec import child

ROOT = os.environ.get("DOCEXEC_ROOT", os.getcwd())
LANES = 1  # requests in flight, each with one fork per seed (2 cores here: one request saturates them)


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


class Job:
    """One request: its forks, what they have sent so far, and its deadline."""

    def __init__(self, request: dict):
        self.id = request["id"]
        self.timeout = request["timeout"]
        self.deadline = time.monotonic() + self.timeout
        self.children = [_start(request["path"], seed) for seed in request["seeds"]]
        self.chunks = {fd: [] for _, fd in self.children}
        self.open = set(self.chunks)

    def read(self, fd: int) -> None:
        data = os.read(fd, 65536)
        if data:
            self.chunks[fd].append(data)
        else:
            self.open.discard(fd)

    def finish(self) -> dict:
        """Collect every child; one still running (past the deadline) is killed."""
        runs = []
        for pid, fd in self.children:
            if fd in self.open:
                os.kill(pid, signal.SIGKILL)
                runs.append({"timeout": self.timeout})
            else:
                raw = b"".join(self.chunks[fd])
                runs.append(json.loads(raw) if raw else {"crash": "the child died without a result"})
            os.waitpid(pid, 0)
            os.close(fd)
        return {"id": self.id, "runs": runs}


def main() -> None:
    print(json.dumps({"ready": True, "torch": torch.__version__}), flush=True)
    waiting: list[dict] = []
    running: list[Job] = []
    buffer, stdin_open = b"", True
    while stdin_open or waiting or running:
        while waiting and len(running) < LANES:
            running.append(Job(waiting.pop(0)))
        fds = [fd for job in running for fd in job.open] + ([0] if stdin_open else [])
        left = min((job.deadline for job in running), default=time.monotonic() + 3600) - time.monotonic()
        ready, _, _ = select.select(fds, [], [], max(0.0, left))
        for fd in ready:
            if fd == 0:
                data = os.read(0, 65536)
                stdin_open = bool(data)
                buffer += data
                *lines, buffer = buffer.split(b"\n")
                waiting.extend(json.loads(line) for line in lines if line.strip())
            else:
                next(job for job in running if fd in job.open).read(fd)
        now = time.monotonic()
        for job in [job for job in running if not job.open or now >= job.deadline]:
            running.remove(job)
            print(json.dumps(job.finish()), flush=True)


if __name__ == "__main__":
    main()
