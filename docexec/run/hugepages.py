"""Back the worker's memory with 2 MiB pages, so that forking it is cheap.

A fork copies one page-table entry per 4 KiB page of the parent's private memory, and
the fork's exit frees them again; with 2 MiB pages there are about 500 times fewer.
``MADV_COLLAPSE`` (Linux 6.1) asks the kernel to back memory already allocated that way,
whatever the transparent-huge-page setting. A region the kernel refuses stays as it was.
The worker collapses once, before a batch's forks (figures in ``benchmarks/README.md``).
"""

from __future__ import annotations

import ctypes

MADV_COLLAPSE = 25
HUGE = 1 << 21


def collapse() -> int:
    """Collapse this process's private anonymous memory into huge pages; the bytes done."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    done = 0
    with open("/proc/self/maps") as maps:
        regions = [line.split() for line in maps]
    for fields in regions:
        name = fields[5] if len(fields) > 5 else ""
        if fields[1][:2] != "rw" or name not in ("", "[heap]"):
            continue  # only anonymous memory can be collapsed (a library's written data cannot)
        start, end = (int(address, 16) for address in fields[0].split("-"))
        start = (start + HUGE - 1) & ~(HUGE - 1)
        end &= ~(HUGE - 1)
        if end > start and libc.madvise(start, end - start, MADV_COLLAPSE) == 0:
            done += end - start
    return done
