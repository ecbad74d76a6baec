"""A fork server: import torch once, then run each program in a fresh fork of this process.

Protocol, one JSON object per line. A request on stdin:
``{"id", "script", "title", "timeout", "max_output"}``; the answer on stdout, when that
run has ended, in any order: ``{"id", **RunResult}`` (``run/result.py``).
``{"preload": true}`` imports ``preload.EXTRAS`` before the next run (a batch is coming);
``{"preload": "when idle"}`` imports them once the worker has answered and has nothing
to do (``mkdocs serve``: the next edit is then fast). A one-shot build never sends the
second: it would import them after its last run, while MkDocs still renders pages.

For each run the worker
- gives it a copy of the program's folder in a ``docexec-*`` folder, inside the worker's
  own (``DOCEXEC_WORKER_DIR``, made and removed by the client), so whatever
  the program writes next to ``__file__`` lands there, never in the repository
  (``scratch.py``: a copy the previous run of the same folder left untouched is reused);
- gives it a pseudo-terminal (80x24) for stdout and stderr: buffering, ``isatty`` and
  progress bars behave as in a terminal, and what it printed is kept even if it dies;
- forks; the child (``child.py``) becomes ``python file.py`` and runs it;
- kills the run's process group when it ends, times out or prints more than
  ``max_output`` bytes, and, being the subreaper of everything it forked, any
  orphan that left the group; then removes the folder, or keeps it for the next run of
  that folder if the run left it untouched (removed after ``scratch.IDLE`` seconds without runs).

The worker applies the first path rule (``paths.py``): the copy's folder is cut from every
path, so the program's own path reads as in its title (``page/file.py``).

Closing stdin ends the worker at once: running programs are killed, folders removed.
``{"forked": id}`` says a run has been forked (the client times progress from it).
A worker that finds itself unsafe to fork (``preload.check_fork_safe``) answers
``{"fatal": message}`` and ends: every run it made would fail for its own doing.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import gc
import json
import os
import select
import signal
import struct
import sys
import termios
import time
import traceback

# Importing creates about a million objects that live as long as this worker: the cyclic
# collector is off while they are created, then one collection frees the cycles left
# behind and the rest is frozen; the same in preload.extras.
gc.disable()
import torch  # noqa: E402, F401 - imported once here, so no run pays for it

from docexec.run import child, hugepages, preload, scratch  # noqa: E402
from docexec.run.result import RaisedError, RunResult  # noqa: E402

gc.collect()
gc.freeze()  # out of every later collection, here and in the forks
gc.enable()  # the programs run with it on, as in any interpreter

PR_SET_CHILD_SUBREAPER = 36
WINDOW = struct.pack("HHHH", 24, 80, 0, 0)  # rows, columns: a standard terminal


class Run:
    """One program being run: its fork, terminal, result pipe, deadline and folder."""

    def __init__(self, request: dict, fresh: child.FreshInterpreter, keeper: scratch.LastCopy):
        self.id = request["id"]
        self.request = request
        self.deadline = time.monotonic() + request["timeout"]
        self.started = time.time()  # the wall clock at its start, for the judge's clock check
        self.max_output = request["max_output"]
        self.keeper = keeper
        self.scratch = keeper.take(request["script"], request["title"])
        script = os.path.join(self.scratch.copy_dir, os.path.basename(request["title"]))
        self.terminal, tty = os.openpty()
        fcntl.ioctl(tty, termios.TIOCSWINSZ, WINDOW)
        self.results, write_end = os.pipe()
        sys.stdout.flush()
        # Everything this worker holds goes to the collector's permanent generation, so a
        # collection in the fork never walks it: walking it writes to every object, and in a
        # fork each page written is copied.
        gc.freeze()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - runs in the fork, which never returns
            try:
                os.close(self.terminal)
                os.close(self.results)
                child.run({**request, "script": script, "scratch": self.scratch.root}, fresh, tty, write_end)
            except BaseException:  # a bug in the executor itself: say so where the output goes
                os.write(2, f"docexec: the run failed to start:\n{traceback.format_exc()}".encode())
            finally:
                os._exit(70)
        os.close(tty)
        os.close(write_end)
        for fd in (self.terminal, self.results):
            os.set_blocking(fd, False)
        self.ended = os.pidfd_open(self.pid)
        self.output: list[bytes] = []
        self.size = 0
        self.result: list[bytes] = []
        self.stopped: dict = {}  # why it was killed, if it was

    def fds(self) -> list[int]:
        return [self.terminal, self.results, self.ended]

    def read(self, fd: int) -> None:
        if fd == self.ended:
            return
        try:
            data = os.read(fd, 1 << 16)
        except OSError as exc:  # EIO: the terminal has no writer left; EAGAIN: nothing yet
            if exc.errno not in (errno.EIO, errno.EAGAIN):
                raise
            return
        if fd == self.results:
            self.result.append(data)
            return
        self.output.append(data)
        self.size += len(data)
        if self.size > self.max_output and not self.stopped:
            self.stopped = {"limit": self.max_output}
            self.kill()

    def done(self) -> bool:
        return bool(select.select([self.ended], [], [], 0)[0])

    def kill(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def finish(self) -> RunResult:
        """Everything the run printed and reported; its processes killed."""
        self.kill()  # whatever it started and left behind in its group
        _, status = os.waitpid(self.pid, 0)
        for fd in (self.terminal, self.results):
            for _ in range(1 << 12):
                before = (len(self.output), len(self.result))
                self.read(fd)
                if (len(self.output), len(self.result)) == before:
                    break
            os.close(fd)
        os.close(self.ended)
        raw = b"".join(self.output).decode("utf-8", errors="replace")
        report = json.loads(b"".join(self.result) or b"null")
        copy, source = self.scratch.copy_dir + os.sep, self.scratch.source_dir
        reads = [] if report is None else [
            os.path.join(source, path[len(copy) :])
            for path in report["reads"]
            if path.startswith(copy) and os.path.isfile(os.path.join(source, path[len(copy) :]))
        ]
        return RunResult(
            output=raw.replace(self.scratch.src + os.sep, ""),  # the one path rule applied here (docexec/paths.py)
            status=os.waitstatus_to_exitcode(status),
            started=self.started,
            finished=report is not None,
            error=RaisedError(**report["error"]) if report and report["error"] else None,
            duration=report["duration"] if report else 0.0,
            figures=tuple(report["figures"]) if report else (),
            reads=tuple(reads),
            peak=report["peak"] if report else {},
            types=report["types"] if report else {},
            size=self.size,
            **self.stopped,
        )

    def release(self) -> None:
        """Its folder removed, or kept for the next run of that folder; called once nothing
        it started is left (``_kill_orphans``), so nothing can write there any more."""
        self.keeper.give_back(self.scratch)


def _kill_orphans(running: list[Run]) -> None:
    """Processes that left a run's group (a new session, a double fork) were re-parented to
    this subreaper when their parent ended: anything here that is not a current run goes,
    and again, since killing one hands its own children to this subreaper."""
    mine = {run.pid for run in running}
    for _ in range(1000):
        try:
            children = open(f"/proc/self/task/{os.getpid()}/children").read().split()
        except OSError:  # pragma: no cover - kernels without CONFIG_PROC_CHILDREN
            children = []
        strays = [pid for pid in map(int, children) if pid not in mine]
        if not strays:
            return
        for pid in strays:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def main() -> None:
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1)
    fresh = child.FreshInterpreter(json.loads(os.environ.pop("DOCEXEC_SNIPPET_ENV")))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build handles Ctrl-C and closes our stdin
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # from Worker.close: clean up, below, and go
    print(json.dumps({"ready": True}), flush=True)
    waiting: list[dict] = []
    running: list[Run] = []
    keeper = scratch.LastCopy()
    buffer, stdin_open, preloaded, collapsed, batch, keep_warm, answered = b"", True, False, False, False, False, 0
    try:
        while stdin_open:
            if not preloaded and (batch or (keep_warm and answered and not running and not waiting)):
                preload.extras(fresh)  # a batch is queued, or (mkdocs serve) idle after the first answers
                preloaded = True
            if batch and not collapsed:
                # Hundreds of forks to come: make each one cheap. Not for the odd run under
                # serve: a fork is 20 ms slower there, while collapsing takes 0.7 s, and an
                # edit arriving meanwhile would wait for it.
                hugepages.collapse()
                collapsed = True
            if waiting:
                try:
                    preload.check_fork_safe()  # the worker itself must not have run torch: it would poison every fork
                except preload.ForkUnsafe as exc:  # say why every run would fail, and stop
                    print(json.dumps({"fatal": str(exc)}), flush=True)
                    return
            for request in waiting:
                running.append(Run(request, fresh, keeper))
                print(json.dumps({"forked": request["id"]}), flush=True)  # its clock starts now, not when queued
            waiting.clear()
            fds = [0] + [fd for run in running for fd in run.fds()]
            left = min((run.deadline for run in running), default=time.monotonic() + 3600) - time.monotonic()
            idle = not running and keeper.kept is not None
            ready, _, _ = select.select(fds, [], [], scratch.IDLE if idle else max(0.0, left))
            if idle and not ready:
                keeper.drop()  # no run came for its folder: nothing stays in /tmp while idle
            for fd in ready:
                if fd == 0:
                    data = os.read(0, 1 << 16)
                    stdin_open = bool(data)
                    *lines, buffer = (buffer + data).split(b"\n")
                    for message in (json.loads(line) for line in lines if line.strip()):
                        if message.get("preload") == "when idle":
                            keep_warm = True
                        elif message.get("preload"):
                            batch = True
                        else:
                            waiting.append(message)
                else:
                    next(run for run in running if fd in run.fds()).read(fd)
            now = time.monotonic()
            for run in [run for run in running if run.done() or now >= run.deadline]:
                if not run.done():
                    run.stopped = {"timeout": run.request["timeout"]}
                running.remove(run)
                answer = run.finish()
                _kill_orphans(running)
                run.release()
                print(json.dumps({"id": run.id, **answer.to_json()}), flush=True)
                answered += 1
    finally:  # the build has ended (or this worker failed): leave nothing behind
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a late SIGTERM must not cut the cleanup short
        for run in running:
            run.kill()
            run.finish()
        _kill_orphans([])
        for run in running:
            run.scratch.remove()
        keeper.drop()
        sys.stdout.flush()
        os._exit(0)  # skips torch's teardown: most of a second at the end of a build


if __name__ == "__main__":
    main()
