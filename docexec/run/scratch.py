"""Each run's private folder: a copy of the program's folder, so that whatever the program
writes next to ``__file__`` lands there and never in the repository.

Layout: ``docexec-XXXX/src/<title's folder>/``, in the worker's folder
(``/tmp/docexec-worker-*``, which the client removes even if the worker was killed), holds a copy of the regular files
at the top of the program's folder (``.pyc`` left out; the path rule cuts ``.../src/``
from the output, so paths read as in the title) and ``figures/`` the SVGs that
``plt.show()`` saved.

Copying a page's folder for every run and deleting it after costs the file system
more than the run (``benchmarks/README.md``), so a worker keeps the last copy when its
run left it as it was made, and hands it to the next run of the same folder if that
folder has not changed either. Compared: every entry's path, type, mode,
inode, size, mtime and ctime (a program can set an mtime but not a ctime), in the
copy and in the source folder; a source file changed within ``RACY`` seconds of the
copy is never trusted (a coarse clock could hide a second change, as git's "racy
clean" rule says). A copy is never reused while something may still write to it: the
worker kills a run's leftover processes before it looks, and looks again when it
hands the copy out.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time

IDLE = 0.2  # seconds a worker waits without a run before it removes the copy it kept
RACY = 2.0  # seconds: a source file changed this close to its copy is copied again


def _entry(info: os.stat_result) -> tuple:
    return (info.st_mode, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _state(folder: str) -> list[tuple]:
    """Every entry under ``folder``, the folder itself included, with what any change to
    it would change."""
    state = [(".", *_entry(os.lstat(folder)))]
    for path, dirs, files in os.walk(folder):
        for name in sorted(dirs) + sorted(files):
            full = os.path.join(path, name)
            state.append((os.path.relpath(full, folder), *_entry(os.lstat(full))))
    return state


def _source_state(folder: str) -> list[tuple]:
    """The files a copy takes from ``folder`` (regular files at its top, no ``.pyc``), each
    with what a change to it would change."""
    entries = sorted((e for e in os.scandir(folder) if e.is_file() and not e.name.endswith(".pyc")), key=lambda e: e.name)
    return [(entry.name, *_entry(entry.stat())) for entry in entries]


class Scratch:
    """A new ``docexec-*`` folder (in the worker's own, or /tmp) with a copy of the folder of ``script`` (shown as ``title``)."""

    def __init__(self, script: str, title: str):
        self.source_dir = os.path.dirname(os.path.abspath(script))
        self.title_dir = os.path.dirname(title)
        self.source_state = _source_state(self.source_dir)
        racy = time.time_ns() - int(RACY * 1e9)
        self.trusted = all(max(mtime, ctime) < racy for *_, mtime, ctime in self.source_state)
        self.root = tempfile.mkdtemp(prefix="docexec-", dir=os.environ.get("DOCEXEC_WORKER_DIR"))  # client.Worker's
        self.figures = os.path.join(self.root, "figures")
        os.mkdir(self.figures)
        self.src = os.path.join(self.root, "src")
        self.copy_dir = os.path.normpath(os.path.join(self.src, self.title_dir))  # no trailing "/"
        os.makedirs(self.copy_dir)
        for name, *_ in self.source_state:
            shutil.copy2(os.path.join(self.source_dir, name), self.copy_dir)
        self.state = self._now()

    def _now(self) -> list:
        # figures/ by mode and inode only: removing the SVGs a run saved changes its size and times
        return [_entry(os.lstat(self.root)), _entry(os.lstat(self.figures))[:2], sorted(os.listdir(self.root)),
                _state(self.src)]

    def fits(self, script: str, title: str) -> bool:
        """Whether this copy is, still, what a fresh one for ``script`` would be."""
        source_dir = os.path.dirname(os.path.abspath(script))
        if (source_dir, os.path.dirname(title)) != (self.source_dir, self.title_dir):
            return False
        try:
            return self.trusted and _source_state(source_dir) == self.source_state and self.untouched()
        except OSError:
            return False

    def untouched(self) -> bool:
        """Is the copy exactly as it was made, once the figures its run saved are removed?
        Only plain files directly in the real ``figures`` folder are removed (a run could
        have put a link there, or replaced the folder)."""
        try:
            info = os.lstat(self.figures)
            if not stat.S_ISDIR(info.st_mode) or info.st_ino != self.state[1][1]:
                return False
            for name in os.listdir(self.figures):
                path = os.path.join(self.figures, name)
                if not stat.S_ISREG(os.lstat(path).st_mode):
                    return False
                os.unlink(path)
            return self._now() == self.state
        except OSError:
            return False

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class LastCopy:
    """One worker's last untouched copy, handed to the next run of the same folder."""

    def __init__(self):
        self.kept: Scratch | None = None

    def take(self, script: str, title: str) -> Scratch:
        kept, self.kept = self.kept, None
        if kept is not None:
            if kept.fits(script, title):
                return kept
            kept.remove()
        return Scratch(script, title)

    def give_back(self, scratch: Scratch) -> None:
        """Called once the run and everything it started are gone."""
        if scratch.trusted and scratch.untouched():
            self.drop()
            self.kept = scratch
        else:
            scratch.remove()

    def drop(self) -> None:
        if self.kept is not None:
            self.kept.remove()
            self.kept = None
