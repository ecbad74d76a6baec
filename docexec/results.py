"""One place that hands out a snippet's runs: this build's ledger, the cache, or the worker.

The ledger records, per (snippet, device), what this build used and where it came
from; the execution report reads it. ``reset()`` starts a new build's ledger (the
report calls it after rendering, so each ``mkdocs serve`` rebuild starts clean).
"""

from __future__ import annotations

import os
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from docexec import client
from docexec.cache import ResultCache, current_key, file_hash, key_for_runs


@dataclass
class Record:
    runs: list[dict]
    cached: bool  # True: taken from the cache in this build; False: run in this build
    key: dict  # the cache key of the files that produced it

    @property
    def duration(self) -> float:
        return max(run.get("duration", 0.0) for run in self.runs)

    @property
    def peak(self) -> dict:
        return self.runs[0].get("peak", {})


LEDGER: dict[tuple[str, str], Record] = {}
PENDING: dict[tuple[str, str], tuple[Future, str]] = {}  # the run, and the source hash it ran


def reset() -> None:
    LEDGER.clear()


def _lookup(file: str, device: str, cache_dir: str):
    """A record still valid for the files as they are now: this build's, or the cache's, or None."""
    key, root = (file, device), Path(os.getcwd())
    record = LEDGER.get(key)
    if record is not None and record.key != current_key(file, device, record.key, root):
        del LEDGER[key]  # the snippet or a module it imports changed since
        record = None
    if record is None and cache_dir:
        runs = ResultCache(cache_dir, root).get(file, device)
        if runs is not None:
            record = LEDGER[key] = Record(runs, True, key_for_runs(file, device, runs, root))
    return record


def prefetch(file: str, device: str, timeout: float, cache_dir: str) -> None:
    """Queue ``file`` on the worker unless a result is already known; returns at once."""
    key = (file, device)
    if key not in PENDING and _lookup(file, device, cache_dir) is None:
        source = file_hash(file)
        PENDING[key] = (client.get_worker(os.getcwd(), device).submit(file, timeout), source)


def obtain(file: str, device: str, timeout: float, cache_dir: str) -> Record:
    key = (file, device)
    prefetch(file, device, timeout, cache_dir)
    if key in PENDING:
        future, source = PENDING.pop(key)
        runs, root = future.result(), Path(os.getcwd())
        result_key = key_for_runs(file, device, runs, root)
        result_key["source"] = source  # the source it ran: if edited since, the next lookup misses
        record = LEDGER[key] = Record(runs, False, result_key)
        if cache_dir and all("output" in run for run in runs):  # never cache a timeout or a crash
            ResultCache(cache_dir, root).put(file, device, runs, record.key)
    return LEDGER[key]
