"""Run one snippet file inside a freshly forked child and describe the result.

The child owns nothing the next run can see: its globals, imported modules,
RNG state and GPU memory all die with the process.
"""

from __future__ import annotations

import os
import random
import re
import runpy
import sys
import tempfile
import time
import traceback
import warnings


EXECUTOR_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
MPL_BACKEND = "module://docexec.mpl_svg"  # plt.show() saves each figure as SVG (docexec/mpl_svg.py)


FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line \d+, in ')
_snippet = ""  # the file being run, for cleaning tracebacks inside warnings


def _snippet_frames_only(message: str) -> str:
    """Tracebacks inside a warning (anomaly mode prints one) keep only the snippet's own
    frames, named by file name, as the traceback of an error is shown."""
    kept, skip_source = [], False
    for line in message.split("\n"):
        frame = FRAME.match(line)
        if frame:
            skip_source = frame["file"] != _snippet
            if not skip_source:
                kept.append(line.replace(frame["file"], os.path.basename(_snippet)))
        elif not (skip_source and line.startswith("    ")):
            kept.append(line)
            skip_source = False
    return "\n".join(kept)


def _show_warning(message, category, filename, lineno, file=None, line=None):
    # Python prints "path:line: Category: msg"; the path is machine-specific,
    # so the page shows only the part a reader can compare with their own run.
    print(f"{category.__name__}: {_snippet_frames_only(str(message))}", file=sys.stderr)


def _seed_everything(seed: int) -> None:
    # Each of the two runs gets a different seed, so a snippet that forgets to
    # seed prints different numbers and the determinism check catches it.
    import torch

    random.seed(seed)
    if os.environ.get("CUDA_VISIBLE_DEVICES") == "":
        torch.default_generator.manual_seed(seed)  # CPU only: skips the CUDA lazy-seed bookkeeping
    else:
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


class ImportRecorder:
    """First in ``sys.meta_path``: notes the name of every module imported for the
    first time, and lets the real finders find it. Cheaper than comparing
    ``set(sys.modules)`` before and after: that touches every one of the ~5000
    preloaded module names, and in a fork each touched page is copied (measured:
    about 1300 page faults, 5 ms, per run)."""

    def __init__(self):
        self.names: list[str] = []
        self.before = len(sys.modules)

    def find_spec(self, name, path=None, target=None):
        self.names.append(name)
        return None

    def new_modules(self) -> list[str]:
        """The modules the run added. A module put into ``sys.modules`` without the
        import system (``spec_from_file_location`` + ``exec_module``), or found by a
        finder the snippet put before this one, leaves the count off: then every
        module is looked at, so no dependency is missed."""
        seen = {name for name in self.names if name in sys.modules}
        return sorted(seen) if len(sys.modules) - self.before == len(seen) else list(sys.modules)


def _local_modules(root: str, names) -> list[str]:
    """Files of modules under the repository that the snippet imported (cache dependencies)."""
    found = set()
    for name in names:
        file = getattr(sys.modules.get(name), "__file__", None)
        if file and os.path.abspath(file).startswith(root + os.sep):
            found.add(os.path.abspath(file))
    return sorted(found)


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0  # pragma: no cover - every Linux has both fields


def _reset_peak_rss() -> int:
    """Start a fresh high-water mark (Linux clear_refs 5); return the RSS now, in KiB."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:  # pragma: no cover - not Linux, or not allowed
        pass
    return _status_kib("VmRSS")


def _peak_memory(rss_before_kib: int) -> dict:
    peak = {"rss_bytes": max(0, _status_kib("VmHWM") - rss_before_kib) * 1024}
    import torch

    if torch.cuda.is_initialized():
        peak["cuda_bytes"] = torch.cuda.max_memory_allocated()
    return peak


def run(path: str, seed: int, root: str) -> dict:
    """Execute ``path`` as ``__main__`` and return a JSON-able result."""
    global _snippet
    _snippet = path
    capture = tempfile.TemporaryFile()
    os.dup2(capture.fileno(), 1)
    os.dup2(capture.fileno(), 2)
    stream = open(1, "w", buffering=1, closefd=False, encoding="utf-8", errors="replace")
    sys.stdout = sys.stderr = stream
    warnings.showwarning = _show_warning
    workdir = tempfile.mkdtemp(prefix="docexec-")
    os.chdir(workdir)
    os.environ["MPLBACKEND"] = MPL_BACKEND  # plt.show() saves SVGs in workdir
    sys.argv = [path]
    sys.path.insert(0, os.path.dirname(path))
    _seed_everything(seed)
    imported = ImportRecorder()
    sys.meta_path.insert(0, imported)
    rss_before = _reset_peak_rss()
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
    figures = sorted(name for name in os.listdir(workdir) if re.fullmatch(r"figure-\d+\.svg", name))
    return {
        "output": output,
        "figures": [open(name, encoding="utf-8").read() for name in sorted(figures, key=lambda n: int(n[7:-4]))],
        "error": error,
        "duration": duration,
        "peak": _peak_memory(rss_before),
        # Local modules it imported, the executor's own files aside (they are in the key anyway).
        "deps": [d for d in _local_modules(root, imported.new_modules()) if d != path and not d.startswith(EXECUTOR_DIR)],
    }
