"""Start the fork-server worker and ask it to run snippet files, or to fork a
Jupyter kernel for a notebook page.

One worker serves a whole build, and, under ``mkdocs serve``, every rebuild:
it is kept per (root, device) for the life of the process.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import sys
import threading
from concurrent.futures import Future

# Two runs with different seeds: equal output proves the snippet seeds itself.
SEEDS = (1, 2)


def passive_openmp(env: dict) -> dict:
    """Unless the user chose otherwise, OpenMP threads sleep instead of spinning while they
    wait for work. The worker's forks and a notebook's kernel share the cores, and spinning
    threads take the CPU from the processes that have work. Measured here: 99 snippets' run
    time 4.4 s -> 2.8 s (matrix products 20x slower with spinning); with a spinning kernel
    beside them, a cold build 12.5 s -> 9.2 s."""
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return env


class WorkerError(RuntimeError):
    """The worker process could not start or stopped answering."""


class Worker:
    """The worker process plus one thread that feeds it requests in order.

    ``submit`` returns at once, so a build can queue every snippet it will need
    and keep rendering pages while they run.
    """

    def __init__(self, root: str, device: str):
        env = dict(os.environ, DOCEXEC_ROOT=root, PYTHONHASHSEED="0")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        passive_openmp(env)
        if device == "cpu":
            # Hide GPUs so the usual `cuda if available else cpu` line picks the CPU.
            env["CUDA_VISIBLE_DEVICES"] = ""
        self.device = device
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "docexec.worker"],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lock = threading.Lock()  # the futures; never held while blocked on the pipe
        self.write_lock = threading.Lock()  # one request line at a time
        self.futures: dict[int, Future] = {}
        self.exits: dict[int, Future] = {}  # kernels: their exit code, once they have ended
        self.next_id = 0
        self.ready = threading.Event()
        self.error: Exception | None = None
        self.thread = threading.Thread(target=self._receive, name="docexec-worker", daemon=True)
        self.thread.start()

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            raise WorkerError(f"docexec worker exited with code {code} (its stderr is above)")
        return json.loads(line)

    def _receive(self) -> None:
        """Resolve each request's future as its answer arrives (answers come in any order)."""
        try:
            self._read()  # the "ready" line, once torch is imported
            self.ready.set()
            while True:
                answer = self._read()
                kind = next(key for key in ("runs", "pid", "exit") if key in answer)  # a snippet's, a kernel's start or end
                with self.lock:
                    future = (self.exits if kind == "exit" else self.futures).pop(answer["id"])
                future.set_result(answer[kind])
        except (OSError, ValueError, WorkerError) as exc:
            with self.lock:
                self.error = WorkerError(str(exc))
                pending = list(self.futures.values()) + list(self.exits.values())
                self.futures, self.exits = {}, {}
            for future in pending:
                future.set_exception(self.error)
            self.ready.set()

    def _send(self, request: dict, exit_future: Future | None = None) -> Future:
        future: Future = Future()
        with self.lock:
            if self.error is not None:
                future.set_exception(self.error)
                return future
            self.next_id += 1
            request_id = self.next_id
            self.futures[request_id] = future
            if exit_future is not None:
                self.exits[request_id] = exit_future
        # Written outside self.lock: if the pipe is full, the worker may itself be waiting
        # for the receiving thread, which must be able to take self.lock to make progress.
        with self.write_lock:
            self.proc.stdin.write(json.dumps({"id": request_id, **request}) + "\n")
            self.proc.stdin.flush()
        return future

    def submit(self, path: str, timeout: float) -> Future:
        """Queue ``path`` to run once per seed, in parallel forks; the future gives one result per run."""
        return self._send({"path": os.path.abspath(path), "timeout": timeout, "seeds": list(SEEDS)})

    def start_kernel(self, argv: list[str], cwd: str, env: dict) -> "ForkedKernel":
        """Fork an ipykernel (``argv``: its arguments after ``-m ipykernel_launcher``) from the worker."""
        exited: Future = Future()
        pid = self._send({"kernel": argv, "cwd": os.path.abspath(cwd), "env": env}, exited).result()
        return ForkedKernel(pid, exited)

    def run(self, path: str, timeout: float) -> list[dict]:
        return self.submit(path, timeout).result()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        self.thread.join(timeout=10)
        self.proc.stdout.close()


class ForkedKernel:
    """What jupyter_client needs of a kernel's ``subprocess.Popen``, for a kernel the
    worker forked: it is the worker's child, so the worker reaps it and reports its exit."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, exited: Future):
        self.pid = pid
        self.exited = exited

    def poll(self) -> int | None:
        if not self.exited.done():
            return None
        return -1 if self.exited.exception() else self.exited.result()

    def wait(self, timeout: float | None = None) -> int:
        self.exited.exception(timeout)  # waits; a worker that died counts as an ended kernel
        return self.poll()

    def send_signal(self, signum: int) -> None:
        if not self.exited.done():  # once reported, the worker has reaped it: the pid is free
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


_workers: dict[tuple[str, str], Worker] = {}
_workers_lock = threading.Lock()  # the notebook thread and the Markdown pages may both ask first


def get_worker(root: str, device: str) -> Worker:
    key = (os.path.abspath(root), device)
    with _workers_lock:
        worker = _workers.get(key)
        if worker is None or worker.proc.poll() is not None:
            worker = _workers[key] = Worker(key[0], device)
        return worker


@atexit.register
def _close_all() -> None:
    for worker in _workers.values():
        worker.close()
