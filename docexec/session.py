"""One build: which snippets it needs, their runs (from this build, the cache or the
workers) and the record of where each came from, for the execution report.

MkDocs makes a new Markdown instance, so a new extension object, for every page; the
session is what they share. ``current(settings)`` gives the build's session, made on
first use; the MkDocs hook calls ``begin`` at the start of each build, so each
``mkdocs serve`` rebuild has its own record (elsewhere, as under Zensical, a process
is one build).
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path

from docexec import fences, records
from docexec.cache import ResultCache, current_key, file_hash, key_for_runs
from docexec.run import client
from docexec.settings import Settings


@dataclass
class Record:
    runs: list[dict]
    cached: bool  # True: taken from the cache in this build; False: run in this build
    key: dict  # the cache key of the files that produced it

    @property
    def duration(self) -> float:
        return max((run.get("result") or {}).get("duration", 0.0) for run in self.runs)

    @property
    def peak(self) -> dict:
        return (self.runs[0].get("result") or {}).get("peak", {})


def completed(runs: list[dict]) -> bool:
    """Runs that ended on their own (a timeout, the output limit or a crash is never cached)."""
    return all(run.get("result") is not None and "timeout" not in run and "limit" not in run for run in runs)


class Session:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = Path(settings.root)
        self.cache = ResultCache(settings.cache_dir, self.root) if settings.cache_dir else None
        self.records: dict[str, Record] = {}  # snippet file -> what this build used
        self.pending: dict[str, tuple[Future, str]] = {}  # the runs, and the source hash they ran
        self.scans: dict[str, tuple[float, list[fences.Job]]] = {}
        self.lock = threading.Lock()
        self.prefetched = False
        self._notes = None

    def record_notes(self) -> dict:
        """The records' notes (``records.notes``), read once per build."""
        if self._notes is None:
            self._notes = records.notes(self.settings.records) if self.settings.records else {}
        return self._notes

    # -- pages -------------------------------------------------------------------

    def site_pages(self) -> list[Path]:
        return fences.site_pages(self.settings.docs_dir)

    def page_jobs(self, page: Path, resolve) -> list[fences.Job]:
        """The exec fences of a page, scanned once per version of the file."""
        stamp = page.stat().st_mtime_ns
        with self.lock:
            cached = self.scans.get(str(page))
        if cached and cached[0] == stamp:
            return cached[1]
        jobs = fences.page_jobs(page, resolve)
        with self.lock:
            self.scans[str(page)] = (stamp, jobs)
        return jobs

    def prefetch_site(self, resolve) -> None:
        """Queue every snippet of the site that has no result yet, page by page, so they
        run while MkDocs renders. A page that cannot be scanned fails when rendered."""
        with self.lock:
            if self.prefetched or not self.settings.execute:
                return
            self.prefetched = True
        for page in self.site_pages():
            try:
                jobs = self.page_jobs(page, resolve)
            except fences.PageError:
                continue
            for job in jobs:
                self.prefetch(job)

    # -- results -----------------------------------------------------------------

    def timeout(self, job: fences.Job) -> float:
        return job.directive.timeout or self.settings.timeout

    def _lookup(self, file: str) -> Record | None:
        record = self.records.get(file)
        if record is not None and record.key != current_key(file, self.settings.device, record.key, self.root):
            del self.records[file]  # the snippet or a file it read changed since (mkdocs serve)
            record = None
        if record is None and self.cache is not None:
            found = self.cache.get(file, self.settings.device)
            if found is not None:
                runs, key = found
                record = self.records[file] = Record(runs, True, key)
        return record

    def pool(self) -> client.Pool:
        settings = self.settings
        return client.get_pool(str(self.root), settings.device, settings.usable_lanes(), settings.max_output, settings.keep_warm)

    def prefetch(self, job: fences.Job) -> None:
        """Queue ``job`` on the workers unless a result is already known; returns at once."""
        with self.lock:
            if job.file in self.pending or self._lookup(job.file) is not None:
                return
            source = file_hash(job.file)
            future = self.pool().submit(job.file, job.path, self.timeout(job))
            self.pending[job.file] = (future, source)
        future.add_done_callback(lambda done: self._finished(job.file, source, done))

    def _finished(self, file: str, source: str, future: Future) -> None:
        """Record a finished result and cache it at once, so a build that fails later
        keeps it. Called by the future's callback and by ``obtain``, whichever is first."""
        if future.cancelled() or future.exception() is not None:
            return
        with self.lock:
            record = self.records.get(file)
            if record is not None and record.runs is future.result():
                return
            runs = future.result()
            key = key_for_runs(file, self.settings.device, runs, self.root)
            key["source"] = source  # the source it ran: if edited since, the next lookup misses
            self.records[file] = Record(runs, False, key)
            if self.cache is not None and completed(runs):  # under the lock: obtain() returns after it
                self.cache.put(file, self.settings.device, runs, key)

    def obtain(self, job: fences.Job) -> Record:
        """This job's record: waits for its runs if they are still going."""
        self.prefetch(job)
        with self.lock:
            pending = self.pending.pop(job.file, None)
        if pending is not None:
            future, source = pending
            future.result()  # raises if the workers failed
            self._finished(job.file, source, future)
        return self.records[job.file]


_sessions: dict[Settings, Session] = {}
_sessions_lock = threading.Lock()


def current(settings: Settings) -> Session:
    with _sessions_lock:
        if settings not in _sessions:
            _sessions[settings] = Session(settings)
        return _sessions[settings]


def begin(settings: Settings) -> Session:
    """A new build (MkDocs calls this through its hook at every build and rebuild).

    Runs still in flight from an earlier session with these settings carry over: MkDocs
    builds a Markdown instance while it validates ``mkdocs.yml``, before the hook runs,
    and that first session has already queued the site. Dropping them would run every
    snippet twice (measured: 326 runs a worker for 163 snippets, before this). Under
    ``mkdocs serve`` the hook changes settings that do not change a run (``errors``,
    ``keep_warm``), so a session that differs only in those carries over too."""
    with _sessions_lock:
        previous = _sessions.get(settings) or next(
            (old for key, old in _sessions.items() if replace(key, errors=settings.errors, keep_warm=settings.keep_warm) == settings),
            None,
        )
        fresh = _sessions[settings] = Session(settings)
        if previous is not None:
            with previous.lock:
                fresh.pending.update(previous.pending)
                fresh.prefetched = previous.prefetched
    if fresh.pending and settings.keep_warm:
        fresh.pool()  # the carried-over runs' workers: told to preload once idle
    return fresh
