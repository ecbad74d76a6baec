"""One build: which snippets it needs, their runs (from this build, the cache or the
workers), the record of where each came from (for the execution report), and the
snippets that may not be published (for one failure at the end).

MkDocs makes a new Markdown instance, so a new extension object, for every page; the
session is what they share. ``current(settings)`` gives the build's session, made on
first use; the MkDocs plugin calls ``begin`` at the start of each build, so each
``mkdocs serve`` rebuild has its own record (elsewhere, as under Zensical, a process
is one build).

Per build, each page is scanned once (``scan``) and each file hashed once (``hashes``).
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path

from docexec import fences, records
from docexec.cache import Hashes, ResultCache, current_key, key_for_runs
from docexec.errors import DocexecError, SnippetError
from docexec.run import client
from docexec.run.result import RunResult
from docexec.settings import Settings

@dataclass
class Record:
    runs: list[RunResult]
    cached: bool  # True: taken from the cache in this build; False: run in this build
    key: dict  # the cache key of the files that produced it

    @property
    def duration(self) -> float:
        return max(run.duration for run in self.runs)

    @property
    def peak(self) -> dict:
        return self.runs[0].peak


@dataclass(frozen=True)
class Failure:
    """A snippet, or a page, that may not be published."""

    page: str  # the page's file, or "" when the build does not know it
    line: int  # the fence's line on the page
    title: str  # the snippet as the page includes it, or "" for a page that cannot be read
    message: str

    def summary(self) -> str:
        """One line: the page, the fence's line, the snippet and its line, the error."""
        first = self.message.strip().splitlines()[0] if self.message.strip() else ""
        return f"{self.page}: {first}" if self.page else first


def completed(runs: list[RunResult]) -> bool:
    """Runs that ended on their own (a timeout, the output limit or a crash is never cached)."""
    return len(runs) == 2 and all(run.finished and not run.stopped for run in runs)


class Session:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = settings.base
        cache = settings.path("cache_dir")
        self.cache = ResultCache(str(cache), str(self.root)) if cache else None
        self.hashes = Hashes()
        self.records: dict[str, Record] = {}  # snippet file -> what this build used
        self.pending: dict[str, tuple[Future, str]] = {}  # the runs, and the source hash they ran
        self.scans: dict[str, tuple[list[str], list[fences.Job]]] = {}  # sha256 of a page's text -> scan
        self.pages: dict[str, str] = {}  # snippet file -> its page (from the site's pages)
        self.unrendered: set[str] = set()  # snippet files of the site not rendered yet in this build
        self.failures: list[Failure] = []
        self.failed_at_end = False
        # Set by the MkDocs plugin, which raises once every page is read (on_env): raised by
        # the last page instead, the error would read "Error reading page '<that page>'".
        self.raised_by_host = False
        self.lock = threading.Lock()
        self.prefetched = False
        self._notes = None

    def record_notes(self) -> dict:
        """The records' notes (``records.notes``), read once per build."""
        if self._notes is None:
            folder = self.settings.path("records")
            self._notes = records.notes(str(folder)) if folder else {}
        return self._notes

    # -- pages -------------------------------------------------------------------

    def site_pages(self) -> list[Path]:
        docs = self.settings.path("docs_dir")
        return fences.site_pages(docs) if docs else []

    def scan(self, lines: list[str], resolve) -> tuple[list[str], list[fences.Job]]:
        """``fences.mark_outputs`` of a page, once per build for the same text."""
        digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
        with self.lock:
            known = self.scans.get(digest)
        if known is None:
            known = fences.mark_outputs(lines, resolve)
            with self.lock:
                self.scans[digest] = known
        return known

    def page_jobs(self, page: Path, resolve) -> list[fences.Job]:
        try:
            return self.scan(page.read_text(encoding="utf-8").split("\n"), resolve)[1]
        except fences.PageError as exc:
            raise fences.PageError(f"{page}: {exc}") from None

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
            with self.lock:
                for job in jobs:
                    self.pages[job.file] = str(page.relative_to(self.root) if page.is_relative_to(self.root) else page)
                    self.unrendered.add(job.file)
            for job in jobs:
                self.prefetch(job)

    # -- results -----------------------------------------------------------------

    def _lookup(self, file: str) -> Record | None:
        device = self.settings.device
        record = self.records.get(file)
        if record is not None and record.key != current_key(file, device, record.key, self.root, self.hashes):
            del self.records[file]  # the snippet or a file it read changed since (mkdocs serve)
            record = None
        if record is None and self.cache is not None:
            found = self.cache.get(file, device, self.hashes)
            if found is not None:
                runs, key = found
                record = self.records[file] = Record(runs, True, key)
        return record

    def pool(self) -> client.Pool:
        return client.get_pool(self.settings)

    def prefetch(self, job: fences.Job) -> None:
        """Queue ``job`` on the workers unless a result is already known; returns at once."""
        with self.lock:
            if job.file in self.pending or self._lookup(job.file) is not None:
                return
            source = self.hashes(job.file)
            future = self.pool().submit(job.file, job.title, self.settings.timeout_for(job.directive))
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
            key = key_for_runs(file, self.settings.device, runs, self.root, self.hashes)
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

    # -- failures ----------------------------------------------------------------

    def failed(self, job: fences.Job, error: DocexecError) -> None:
        """Note a snippet that may not be published. With ``errors: fail``, one of the site's
        pages is reported with the others once every page has run (``rendered``); a snippet
        the session does not know as part of the site (a page converted on its own) raises now."""
        with self.lock:
            page = self.pages.get(job.file)
            if page is not None or self.settings.errors == "show":
                self.failures.append(Failure(page or "", job.line, job.title, str(error)))
                return
        raise error

    def rendered(self, jobs: list[fences.Job]) -> None:
        """A page's snippets are rendered. Once every snippet of the site is, fail the build
        if any may not be published (``errors: fail``): one error listing them all. Under
        MkDocs the plugin raises it instead (``raised_by_host``), once every page is read."""
        with self.lock:
            self.unrendered.difference_update(job.file for job in jobs)
            due = self.settings.errors == "fail" and self.failures and not self.unrendered and not self.raised_by_host
        if due:
            self.fail_now()

    def fail_now(self) -> None:
        """Raise the one error that lists every failure of this build (at most once; never
        with ``errors: show``, where each page shows its own)."""
        with self.lock:
            if not self.failures or self.failed_at_end or self.settings.errors != "fail":
                return
            self.failed_at_end = True
            failures = list(self.failures)
        listing = "\n".join(f"  {failure.summary()}" for failure in failures)
        details = "\n\n".join(f"{failure.page}: {failure.message}" if failure.page else failure.message for failure in failures)
        raise SnippetError(f"{len(failures)} snippet(s) may not be published:\n{listing}\n\nDetails:\n\n{details}")


_sessions: dict[Settings, Session] = {}
_sessions_lock = threading.Lock()


def current(settings: Settings) -> Session:
    with _sessions_lock:
        if settings not in _sessions:
            _sessions[settings] = Session(settings)
        return _sessions[settings]


def _same_runs(a: Settings, b: Settings) -> bool:
    """Whether two settings run snippets alike (they may differ in how failures are shown,
    the command, or how the root folder was spelled)."""
    plain = dict(errors="fail", keep_warm=False, command="build", root="")
    return a.base == b.base and replace(a, **plain) == replace(b, **plain)


def begin(settings: Settings) -> Session:
    """A new build (the MkDocs plugin calls this at every build and rebuild).

    Runs still in flight from an earlier session that runs snippets alike carry over:
    MkDocs builds a Markdown instance while it validates ``mkdocs.yml``, before the plugin
    sets the command and the root folder, and that first session has already queued the
    site. Dropping them would run every snippet twice (``benchmarks/README.md``)."""
    with _sessions_lock:
        previous = _sessions.get(settings) or next((old for key, old in _sessions.items() if _same_runs(key, settings)), None)
        fresh = _sessions[settings] = Session(settings)
        if previous is not None:
            with previous.lock:
                fresh.pending.update(previous.pending)
                fresh.prefetched = previous.prefetched
                fresh.pages.update(previous.pages)
                fresh.unrendered.update(previous.pages)
    if fresh.pending and settings.keep_warm:
        fresh.pool()  # the carried-over runs' workers: told to preload once idle
    return fresh
