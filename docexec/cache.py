"""Cached execution results, keyed by everything a snippet's output depends on.

``make_key`` is the one function that decides what a result depends on: a snippet's
results here, and the executed copy of a notebook page (``notebooks/execute.py``,
named by ``key_digest`` of its key, with no deps).

An entry is one JSON file per (device, snippet) under the cache folder. Its key:

* the snippet's source (sha256);
* every file in its folder it read when it ran: local modules, data files (sha256 each);
* the installed torch version (read from package metadata: no ``import torch``), and
  those of the other packages an output can depend on (NumPy's printing, matplotlib's
  figures) and of Python (tracebacks, warnings, reprs);
* the device;
* the executor: docexec's version plus the source of the files that run snippets.

A lookup recomputes every part from the files as they are now; any difference is
a miss, so a stale result is never returned. The entry stores the raw runs, not
the judged text, so a changed fence option (``raises=``) is re-checked against them.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import docexec
from docexec.run.result import RunResult

# The files whose code decides what a run prints (and, for notebooks, how they run).
EXECUTOR_FILES = ("run/child.py", "run/worker.py", "run/client.py", "run/preload.py", "run/scratch.py", "terminal.py",
                  "devices.py", "notebooks/execute.py")


def file_hash(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class Hashes:
    """``file_hash`` with a memory: a build reads and hashes each file once however many
    keys name it, and again only if its size or modification time changed since."""

    def __init__(self):
        self.known: dict[str, tuple[tuple[int, int], str]] = {}

    def __call__(self, path: str) -> str:
        path = str(path)
        info = os.stat(path)
        stamp = (info.st_size, info.st_mtime_ns)
        known = self.known.get(path)
        if known is None or known[0] != stamp:
            known = self.known[path] = (stamp, file_hash(path))
        return known[1]


@lru_cache(maxsize=None)
def executor_fingerprint() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha256(docexec.__version__.encode())
    for name in EXECUTOR_FILES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


OTHER_PACKAGES = ("numpy", "matplotlib")  # what an output can depend on, besides torch


@lru_cache(maxsize=None)
def environment() -> dict:
    """Python's version and those of ``OTHER_PACKAGES`` (from package metadata)."""
    found = {"python": platform.python_version()}
    for name in OTHER_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "none"
    return found


@lru_cache(maxsize=None)
def torch_version() -> str:
    """The installed torch's version, from its package metadata (no ``import torch``):
    the one source of the version for keys, notebooks and records."""
    try:
        return metadata.version("torch")
    except metadata.PackageNotFoundError:  # pragma: no cover - torch is a dependency
        return "none"


def make_key(snippet: str, device: str, deps: list[str], root: Path, hashes=file_hash) -> dict:
    """What the output of the program ``snippet`` depends on (see the module's docstring).
    ``deps`` are paths relative to ``root``; the key names them the same way."""
    return {
        "source": hashes(snippet),
        "deps": {dep: hashes(Path(root) / dep) for dep in sorted(deps)},
        "torch": torch_version(),
        "environment": environment(),
        "device": device,
        "executor": executor_fingerprint(),
    }


def key_digest(key: dict) -> str:
    """One sha256 over a key from ``make_key``: how notebooks name their executed copies."""
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def key_for_runs(snippet: str, device: str, runs: list[RunResult], root: Path, hashes=file_hash) -> dict:
    """The key of a fresh result: its dependencies are the local modules the run imported."""
    reads = {dep for run in runs for dep in run.reads}
    # named relative to the project when inside it (the key is then the same in every clone)
    deps = [str(Path(dep).relative_to(root)) if Path(dep).is_relative_to(root) else dep for dep in reads if dep != snippet]
    return make_key(snippet, device, deps, root, hashes)


def current_key(snippet: str, device: str, stored_key: dict, root: Path, hashes=file_hash):
    """The key as the files are now, for the dependencies a stored key names; None if one is gone."""
    try:
        return make_key(snippet, device, list(stored_key["deps"]), root, hashes)
    except OSError:
        return None


class ResultCache:
    def __init__(self, folder: str, root: str):
        self.folder = Path(folder)
        self.root = Path(root).resolve()

    def _entry(self, snippet: str, device: str) -> Path:
        path = Path(snippet).resolve()
        if path.is_relative_to(self.root):
            return self.folder / device / path.relative_to(self.root).with_suffix(".json")
        # A snippet outside the project (tests use temporary ones): named by its full path.
        return self.folder / device / "outside" / (hashlib.sha256(str(path).encode()).hexdigest()[:16] + ".json")

    def get(self, snippet: str, device: str, hashes=file_hash):
        """The stored runs if every part of the key still matches, else None."""
        entry = self._entry(snippet, device)
        try:
            stored = json.loads(entry.read_text())
            fresh = stored["key"] == current_key(snippet, device, stored["key"], self.root, hashes)
            runs = [RunResult.from_json(run) for run in stored["runs"]]
        except (OSError, ValueError, KeyError, TypeError):  # no entry, or an unreadable one
            return None
        return (runs, stored["key"]) if fresh else None

    def put(self, snippet: str, device: str, runs: list[RunResult], key: dict) -> None:
        entry = self._entry(snippet, device)
        entry.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: a parallel build never reads half an entry.
        with tempfile.NamedTemporaryFile("w", dir=entry.parent, delete=False, suffix=".tmp") as tmp:
            json.dump({"key": key, "runs": [run.to_json() for run in runs]}, tmp, indent=1, sort_keys=True)
        os.replace(tmp.name, entry)
