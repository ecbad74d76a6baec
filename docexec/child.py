"""Run one snippet file inside a freshly forked child and describe the result.

The child owns nothing the next run can see: its globals, imported modules,
RNG state and GPU memory all die with the process.
"""

from __future__ import annotations

import os
import random
import runpy
import sys
import tempfile
import time
import traceback
import warnings


def _show_warning(message, category, filename, lineno, file=None, line=None):
    # Python prints "path:line: Category: msg"; the path is machine-specific,
    # so the page shows only the part a reader can compare with their own run.
    print(f"{category.__name__}: {message}", file=sys.stderr)


def _seed_everything(seed: int) -> None:
    # Each of the two runs gets a different seed, so a snippet that forgets to
    # seed prints different numbers and the determinism check catches it.
    import torch

    random.seed(seed)
    torch.manual_seed(seed)
    try:
        import numpy

        numpy.random.seed(seed)
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass


def _format_error(exc: BaseException, path: str) -> dict:
    """The exception as a reader would see it from `python file.py`, library frames left out."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
    name = os.path.basename(path)
    lines = ["Traceback (most recent call last):"]
    for f in frames:
        lines.append(f'  File "{name}", line {f.lineno}, in {f.name}')
        if f.line:
            lines.append(f"    {f.line.strip()}")
    lines.extend(traceback.format_exception_only(type(exc), exc))
    return {
        "type": type(exc).__name__,
        "module": type(exc).__module__,
        "message": str(exc),
        "line": frames[-1].lineno if frames else None,
        "traceback": "\n".join(line.rstrip("\n") for line in lines),
    }


def _local_modules(root: str) -> list[str]:
    """Files of modules under the repository that the snippet imported (cache dependencies)."""
    found = set()
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if file and os.path.abspath(file).startswith(root + os.sep):
            found.add(os.path.abspath(file))
    return sorted(found)


def run(path: str, seed: int, root: str) -> dict:
    """Execute ``path`` as ``__main__`` and return a JSON-able result."""
    capture = tempfile.TemporaryFile()
    os.dup2(capture.fileno(), 1)
    os.dup2(capture.fileno(), 2)
    stream = open(1, "w", buffering=1, closefd=False, encoding="utf-8", errors="replace")
    sys.stdout = sys.stderr = stream
    warnings.showwarning = _show_warning
    workdir = tempfile.mkdtemp(prefix="docexec-")
    os.chdir(workdir)
    sys.argv = [path]
    sys.path.insert(0, os.path.dirname(path))
    _seed_everything(seed)
    before = set(sys.modules)
    error = None
    start = time.perf_counter()
    try:
        runpy.run_path(path, run_name="__main__")
    except BaseException as exc:  # noqa: BLE001 - SystemExit and friends are results too
        error = _format_error(exc, path)
    duration = time.perf_counter() - start
    stream.flush()
    capture.seek(0)
    output = capture.read().decode("utf-8", errors="replace")
    return {
        "output": output,
        "error": error,
        "duration": duration,
        "deps": [d for d in _local_modules(root) if d != path],
        "new_modules": len(set(sys.modules) - before),
    }
