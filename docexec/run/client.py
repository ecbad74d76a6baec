"""Run programs on two worker processes, twice each, and hand back both runs.

Why two workers: the second run must differ from the first in everything a new
interpreter differs in, so that output depending on it is caught before it is
published. Each worker is its own interpreter with its own random hash seed (set
order) and address layout (``id()``), and every run seeds torch's CPU generator from
the OS as a new interpreter does (torch 2.13 no longer starts from a fixed seed). The
first run is the one shown.

Runs of one program go one after the other; ``lanes`` programs are in flight at once
(default: the cores this process may use). When a first run's peak memory is over a
quarter of the machine's, its second run waits for the others and runs alone.

One ``Pool`` serves a build and, under ``mkdocs serve``, every rebuild. Closing it (or
the process exiting) ends both workers at once, and with them every run.
"""

from __future__ import annotations

import atexit
import collections
import json
import os
import queue
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future, TimeoutError as FutureTimeout

from docexec import devices
from docexec.run.result import RunResult
from docexec.errors import DocexecError


def passive_openmp(env: dict) -> dict:
    """Unless the user chose otherwise, OpenMP threads sleep instead of spinning while they
    wait: the runs share the cores, and spinning threads take the CPU from the processes
    that have work. Only the workers get it; a program's ``os.environ`` is the build's own."""
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return env


def _memory_total() -> int:
    with open("/proc/meminfo") as info:
        return int(info.readline().split()[1]) * 1024


class WorkerError(DocexecError):
    """A worker process stopped answering, or refused to fork: the executor's failure, not a
    snippet's. The message names the cause and the runs it had."""


class Worker:
    """One fork-server process and the thread that reads its answers."""

    def __init__(self, root: str, device: str, snippet_env: dict, torch_cache: str = ""):
        env = passive_openmp(dict(os.environ, PYTHONHASHSEED=str(random.randint(1, 2**32 - 1))))
        # Everything this worker writes to /tmp goes in one folder, which close() removes once
        # the process has ended: the runs' folders (scratch.py), and that stays true when the
        # worker is killed (SIGKILL, the OOM killer) and cannot clean up after itself.
        self.folder = tempfile.mkdtemp(prefix="docexec-worker-")
        env["DOCEXEC_WORKER_DIR"] = self.folder
        # importing torch._dynamo (preloaded) makes torch's cache folder; keep it in the build's
        # cache rather than /tmp. Programs see the build's own environment, not this.
        # With the cache off (torch_cache ""), in the worker's folder.
        env.setdefault("TORCHINDUCTOR_CACHE_DIR", torch_cache or os.path.join(self.folder, "torchinductor"))
        env.update(devices.get(device).environment)
        env["DOCEXEC_SNIPPET_ENV"] = json.dumps(snippet_env)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "docexec.run.worker"], cwd=root, env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,  # Ctrl-C is the build's
        )
        self.stderr = collections.deque(maxlen=200)  # its last lines, for the error if it dies
        self.lock = threading.Lock()
        self.futures: dict[int, tuple[Future, str]] = {}
        self.next_id = 0
        self.error: WorkerError | None = None
        threading.Thread(target=self._receive, name="docexec-worker", daemon=True).start()
        threading.Thread(target=self._keep_stderr, name="docexec-stderr", daemon=True).start()

    def _keep_stderr(self) -> None:
        for line in self.proc.stderr:
            self.stderr.append(line.decode("utf-8", errors="replace"))

    def _receive(self) -> None:
        fatal = None
        for line in self.proc.stdout:
            answer = json.loads(line)
            if "ready" in answer:
                continue
            if "fatal" in answer:
                fatal = answer["fatal"]
                continue
            if "forked" in answer:  # not "started": every answer has that field (RunResult.started)
                with self.lock:
                    started = self.futures.get(answer["forked"])
                if started is not None:
                    started[0].started = time.monotonic()  # read by _wait
                continue
            with self.lock:
                future, _ = self.futures.pop(answer.pop("id"))
            future.set_result(RunResult.from_json(answer))
        code = self.proc.wait()
        with self.lock:
            names = ", ".join(title for _, title in self.futures.values()) or "none"
            self.error = WorkerError(
                f"{fatal}\n(runs it had: {names})" if fatal else
                f"the docexec worker ended (exit status {code}) while running: {names}"
                + (f"\nits last output on stderr:\n{''.join(self.stderr)}" if self.stderr else "")
            )
            pending, self.futures = list(self.futures.values()), {}
        for future, _ in pending:
            future.set_exception(self.error)

    def send(self, message: dict) -> None:
        try:
            self.proc.stdin.write(json.dumps(message).encode() + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # it has ended; the receiving thread reports why

    def run(self, request: dict, title: str) -> Future:
        future: Future = Future()
        with self.lock:
            if self.error is not None:
                future.set_exception(self.error)
                return future
            self.next_id += 1
            self.futures[self.next_id] = (future, title)
            request = {"id": self.next_id, **request}
        self.send(request)
        return future

    def close(self) -> None:
        """End it now: closing its stdin makes it kill every run and exit; SIGTERM does the
        same while it is busy importing the preloaded modules and not reading stdin."""
        try:
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        try:
            self.proc.wait(timeout=0.5)  # idle: it has seen end-of-file and cleaned up
        except subprocess.TimeoutExpired:
            self.proc.terminate()  # busy preloading: SIGTERM runs the same cleanup
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


PROGRESS = 10.0  # seconds a run may take before the build says which one it is waiting for


def _wait(future: Future, title: str, timeout: float):
    """The run's result; every ``PROGRESS`` seconds of its running (from its fork, which the
    worker reports; not from when it was queued) a line on stderr naming it, so a long or
    hanging snippet is never a silent wait."""
    report = PROGRESS
    while True:
        try:
            return future.result(timeout=PROGRESS / 10)  # fine enough to report on time
        except FutureTimeout:
            started = getattr(future, "started", None)
            if started is not None and time.monotonic() - started >= report:
                # one write per line: lines of runs in other lanes never interleave
                sys.stderr.write(f"docexec: {title} still running after {report:.0f} s (its timeout: {timeout:g} s)\n")
                sys.stderr.flush()
                report += PROGRESS


class MemoryGate:
    """Runs share the machine; a run flagged as large waits for the others and runs alone."""

    def __init__(self):
        self.cond = threading.Condition()
        self.active = 0
        self.alone = False

    def enter(self, alone: bool) -> None:
        with self.cond:
            self.cond.wait_for(lambda: not self.alone and (not alone or self.active == 0))
            self.active += 1
            self.alone = alone

    def leave(self) -> None:
        with self.cond:
            self.active -= 1
            self.alone = False
            self.cond.notify_all()


class Pool:
    """Two workers and ``lanes`` threads that take queued programs in order."""

    def __init__(self, root: str, device: str, lanes: int, max_output: int, torch_cache: str = ""):
        snippet_env = {**os.environ, **devices.get(device).environment}
        self.workers = [Worker(root, device, snippet_env, torch_cache) for _ in range(2)]
        self.max_output = max_output
        self.large = _memory_total() // 4
        self.gate = MemoryGate()
        self.queue: queue.Queue = queue.Queue()
        self.preloading = False
        self.warm = False
        self.lock = threading.Lock()
        for lane in range(lanes):
            threading.Thread(target=self._lane, name=f"docexec-lane-{lane}", daemon=True).start()

    def submit(self, script: str, title: str, timeout: float) -> Future:
        """Queue ``script`` (shown as ``title``); the future gives its two runs."""
        future: Future = Future()
        self.queue.put((future, script, title, timeout))
        if not self.preloading and self.queue.qsize() >= 4:  # a batch: worth preloading first
            self.preloading = True
            for worker in self.workers:
                worker.send({"preload": True})
        return future

    def keep_warm(self) -> None:
        """A long-lived process (``mkdocs serve``): the workers preload once idle, so the
        next edit runs at once. Sent once; a one-shot build never sends it."""
        with self.lock:
            if self.warm:
                return
            self.warm = True
        for worker in self.workers:
            worker.send({"preload": "when idle"})

    def _lane(self) -> None:
        while True:
            future, script, title, timeout = self.queue.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                runs = []
                for worker in self.workers:
                    if runs and runs[0].stopped:
                        break  # it hung or flooded: a second run would only cost as much again
                    alone = bool(runs) and runs[0].peak.get("rss_bytes", 0) > self.large
                    self.gate.enter(alone)
                    try:
                        request = {"script": script, "title": title, "timeout": timeout, "max_output": self.max_output}
                        runs.append(_wait(worker.run(request, title), title, timeout))
                    finally:
                        self.gate.leave()
                future.set_result(runs)
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for it
                future.set_exception(exc)

    def close(self) -> None:
        while True:
            try:
                self.queue.get_nowait()[0].cancel()
            except queue.Empty:
                break
        for worker in self.workers:
            worker.close()


_pools: dict[tuple, Pool] = {}
_pools_lock = threading.Lock()


def get_pool(settings) -> Pool:
    """The pool for these settings (``settings.Settings``), started on first use and kept for
    the process: the one process-wide registry besides the sessions, so that ``mkdocs serve``
    rebuilds find the workers warm (torch imported) from the last build."""
    torch_cache = os.path.join(settings.base, ".cache", "torchinductor") if settings.cache_dir else ""
    key = (str(settings.base), settings.device, settings.usable_lanes(), settings.max_output, torch_cache)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None or any(worker.proc.poll() is not None for worker in pool.workers):
            if pool is not None:
                pool.close()  # a worker died: end the other one too, and remove their folders
            pool = _pools[key] = Pool(*key)
    if settings.keep_warm:
        pool.keep_warm()
    return pool


@atexit.register
def close_all() -> None:
    for pool in _pools.values():
        pool.close()
    _pools.clear()
