"""Each run's private folder: a copy of the program's folder, so that whatever the program
writes next to ``__file__`` lands there and never in the repository.

Layout: ``/tmp/docexec-XXXX/src/<title's folder>/`` holds the copy (the path rule cuts
``.../src/`` from the output, so paths read as in the title) and ``figures/`` the SVGs
that ``plt.show()`` saved.

Copying a page's folder (about 17 files) for every run and deleting it after cost more
CPU than the fork itself (measured: 2.3 CPU-seconds of a cold build, in ext4's inode
allocator). So a worker keeps the last copy when its run left it exactly as it was made,
and hands it to the next run of the same folder if that folder has not changed either.
"Exactly" compares every entry's path, type, size, mtime and ctime (a program can set a
file's mtime but not its ctime), so a copy a run touched in any way is never reused.
"""

from __future__ import annotations

import os
import shutil
import tempfile

IDLE = 0.2  # seconds a worker waits without a run before it removes the copy it kept


def _state(folder: str) -> list[tuple]:
    """Every entry under ``folder`` with what a change to it would change."""
    state = []
    for path, dirs, files in os.walk(folder):
        for name in sorted(dirs) + sorted(files):
            info = os.lstat(os.path.join(path, name))
            state.append((os.path.relpath(os.path.join(path, name), folder), info.st_mode, info.st_size,
                          info.st_mtime_ns, info.st_ctime_ns))
        state.append((os.path.relpath(path, folder), "dir", os.lstat(path).st_mtime_ns, os.lstat(path).st_ctime_ns))
    return state


def _source_files(folder: str) -> list[os.DirEntry]:
    return sorted((e for e in os.scandir(folder) if e.is_file() and not e.name.endswith(".pyc")), key=lambda e: e.name)


class Scratch:
    """A fresh copy of the folder of ``script``, for a program shown as ``title``."""

    def __init__(self, script: str, title: str):
        self.source_dir = os.path.dirname(os.path.abspath(script))
        self.title_dir = os.path.dirname(title)
        files = _source_files(self.source_dir)
        self.source_state = [(e.name, e.stat().st_size, e.stat().st_mtime_ns, e.stat().st_ctime_ns) for e in files]
        self.root = tempfile.mkdtemp(prefix="docexec-")
        self.figures = os.path.join(self.root, "figures")
        os.mkdir(self.figures)
        self.src = os.path.join(self.root, "src")
        self.copy_dir = os.path.normpath(os.path.join(self.src, self.title_dir))  # no trailing "/"
        os.makedirs(self.copy_dir)
        for entry in files:
            shutil.copy2(entry.path, self.copy_dir)
        self.state = _state(self.src)

    def fits(self, script: str, title: str) -> bool:
        """Whether this copy is what a fresh one for ``script`` would be."""
        source_dir = os.path.dirname(os.path.abspath(script))
        if (source_dir, os.path.dirname(title)) != (self.source_dir, self.title_dir):
            return False
        try:
            files = _source_files(source_dir)
            now = [(e.name, e.stat().st_size, e.stat().st_mtime_ns, e.stat().st_ctime_ns) for e in files]
        except OSError:
            return False
        return now == self.source_state

    def untouched(self) -> bool:
        """After a run: its figures removed, is the copy exactly as it was made?"""
        try:
            for name in os.listdir(self.figures):
                os.unlink(os.path.join(self.figures, name))
            return sorted(os.listdir(self.root)) == ["figures", "src"] and _state(self.src) == self.state
        except OSError:
            return False

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class Keeper:
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
        if scratch.untouched():
            self.drop()
            self.kept = scratch
        else:
            scratch.remove()

    def drop(self) -> None:
        if self.kept is not None:
            self.kept.remove()
            self.kept = None
