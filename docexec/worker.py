"""A fork server: import torch once, then run every snippet in a fresh fork.

Protocol, one JSON object per line. Request on stdin:
``{"id", "path", "timeout", "seeds"}``; answer on stdout: ``{"id", "runs": [...]}``,
one run per seed. Each seed's run is its own fork, and the forks of up to
``LANES`` requests run at once, so the determinism check (two runs with
different seeds) and the fork/exit cost overlap with other snippets' work.
Answers come back as requests finish, not in order.

A request ``{"id", "kernel": argv, "cwd", "env"}`` instead forks a Jupyter
kernel (ipykernel, with ``argv`` as after ``-m ipykernel_launcher``) for a
notebook page: it starts with torch already imported. The answers are
``{"id", "pid"}`` at once, then ``{"id", "exit"}`` when it has ended.

Why a separate process rather than forking the build: MkDocs' own modules and
state must not leak into snippets, and this process never touches torch beyond
the import, so no thread pool or CUDA context exists yet when it forks.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import select
import signal
import sys
import time
import traceback

import torch  # noqa: F401 - preloaded so each fork starts with it imported

from docexec import child

ROOT = os.environ.get("DOCEXEC_ROOT", os.getcwd())
LANES = 2  # requests in flight, each with one fork per seed: fork and exit of one overlap the other's work (measured: 4.7 s -> 4.0 s for 99 snippets on 2 cores)

# Modules torch or a snippet imports lazily, at a cost every fork would pay again:
# the first optimizer step, checkpoint or vmap pulls in torch._dynamo (with sympy,
# which some ops load on their own), and a plot pulls in matplotlib; about 1.3 s
# together here. The worker imports them once, but only when that pays: before
# the first fork when a batch of snippets is queued (a cold build), otherwise
# after the first answers are out (one edited snippet, under `mkdocs serve`), so
# the answer a build is waiting for does not wait for them.
EXTRAS = ("numpy", "sympy", "torch._dynamo", "torch.func", "torch.optim", "torch.utils.checkpoint", "matplotlib.pyplot")
BATCH = 4  # queued requests that make preloading first worth it


def preload_extras() -> None:
    os.environ["MPLBACKEND"] = child.MPL_BACKEND  # matplotlib reads it once, at import
    for name in EXTRAS:
        importlib.import_module(name)


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


def _serve_kernel(request: dict) -> None:
    """In a fresh fork: become the IPython kernel ``python -m ipykernel_launcher`` would
    start, as far as a notebook can tell, and return when it is shut down."""
    os.setsid()  # its own session, as jupyter_client starts kernels: Ctrl-C in the terminal is not an interrupt
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(2, 1)  # stdout is this worker's answer pipe; the kernel's own prints go where its stderr goes
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ["JPY_PARENT_PID"] = str(os.getppid())  # it exits if this worker dies, as a kernel does with its launcher
    sys.path[:] = [p for p in sys.path if p != ROOT]  # the worker's own entries; the kernel adds its cwd itself
    sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, *request["kernel"]]
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(request["kernel"])  # sets MPLBACKEND to the inline backend, as for any kernel
    if "matplotlib" in sys.modules:  # preloaded for the snippets, where it read their MPLBACKEND
        sys.modules["matplotlib"].rcParams["backend"] = os.environ["MPLBACKEND"]
    app.start()


class Kernel:
    """A kernel request: the forked kernel, and a pidfd that turns readable when it ends
    (unlike a pipe, not held open by processes the kernel forks itself)."""

    def __init__(self, request: dict):
        self.id = request["id"]
        sys.stdout.flush()
        self.pid = os.fork()
        if self.pid == 0:
            stderr = os.dup(2)  # ipykernel redirects fd 2 into the notebook; a crash is told here instead
            code = 1
            try:
                _serve_kernel(request)
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else int(bool(exc.code))
                if exc.code and not isinstance(exc.code, int):
                    os.write(stderr, f"docexec kernel: {exc.code}\n".encode())
            except BaseException:  # noqa: BLE001 - say why; nbclient reports a dead kernel
                os.write(stderr, f"docexec kernel crashed:\n{traceback.format_exc()}".encode())
            os._exit(code)
        self.fd = os.pidfd_open(self.pid)

    def kill(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGKILL)  # its session: whatever it started goes with it
        except ProcessLookupError:  # not yet its own session leader
            os.kill(self.pid, signal.SIGKILL)

    def finish(self) -> dict:
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return {"id": self.id, "exit": os.waitstatus_to_exitcode(status)}


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
    kernels: dict[int, Kernel] = {}  # by pidfd
    buffer, stdin_open = b"", True
    preloaded, answered = False, 0
    while stdin_open or waiting or running or kernels:
        kernel_requests = [request for request in waiting if "kernel" in request]
        if not preloaded and (len(waiting) >= BATCH or kernel_requests or (answered and not waiting and not running)):
            preload_extras()
            preloaded = True
        for request in kernel_requests:
            waiting.remove(request)
            kernel = Kernel(request)
            kernels[kernel.fd] = kernel
            print(json.dumps({"id": request["id"], "pid": kernel.pid}), flush=True)
        while waiting and len(running) < LANES:
            running.append(Job(waiting.pop(0)))
        fds = [fd for job in running for fd in job.open] + list(kernels) + ([0] if stdin_open else [])
        left = min((job.deadline for job in running), default=time.monotonic() + 3600) - time.monotonic()
        ready, _, _ = select.select(fds, [], [], max(0.0, left))
        for fd in ready:
            if fd == 0:
                data = os.read(0, 65536)
                stdin_open = bool(data)
                buffer += data
                *lines, buffer = buffer.split(b"\n")
                waiting.extend(json.loads(line) for line in lines if line.strip())
                if not stdin_open:  # the build has ended: no one is left to talk to a kernel
                    waiting = [request for request in waiting if "kernel" not in request]
                    for kernel in kernels.values():
                        kernel.kill()
            elif fd in kernels:
                print(json.dumps(kernels.pop(fd).finish()), flush=True)
            else:
                next(job for job in running if fd in job.open).read(fd)
        now = time.monotonic()
        for job in [job for job in running if not job.open or now >= job.deadline]:
            running.remove(job)
            print(json.dumps(job.finish()), flush=True)
            answered += 1
    # Input closed and every child reaped: nothing is left to clean up. Skipping the
    # interpreter's teardown of torch saves the build most of a second at exit.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
