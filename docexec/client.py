"""Start the fork-server worker and ask it to run snippet files.

One worker serves a whole build, and, under ``mkdocs serve``, every rebuild:
it is kept per (root, device) for the life of the process.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys

# Two runs with different seeds: equal output proves the snippet seeds itself.
SEEDS = (1, 2)


class WorkerError(RuntimeError):
    """The worker process could not start or stopped answering."""


class Worker:
    def __init__(self, root: str, device: str):
        env = dict(os.environ, DOCEXEC_ROOT=root, PYTHONHASHSEED="0")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
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
        hello = self._read()
        self.torch_version = hello["torch"]

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            raise WorkerError(f"docexec worker exited with code {code} (its stderr is above)")
        return json.loads(line)

    def run(self, path: str, timeout: float) -> list[dict]:
        """Run ``path`` once per seed, in parallel forks; one result per run."""
        request = {"path": os.path.abspath(path), "timeout": timeout, "seeds": list(SEEDS)}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return self._read()["runs"]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)


_workers: dict[tuple[str, str], Worker] = {}


def get_worker(root: str, device: str) -> Worker:
    key = (os.path.abspath(root), device)
    worker = _workers.get(key)
    if worker is None or worker.proc.poll() is not None:
        worker = _workers[key] = Worker(key[0], device)
    return worker


@atexit.register
def _close_all() -> None:
    for worker in _workers.values():
        worker.close()
