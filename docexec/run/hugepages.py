"""Back the worker's memory with 2 MiB pages, so that forking it is cheap.

A fork copies one page-table entry for every 4 KiB page of the parent's private
memory, and the fork's exit frees them all again. The worker holds about 290 MiB of
it (torch, the preloaded modules, the compile warm-up): 60,000 entries, measured at
25-30 ms of CPU for a fork that does nothing and exits. Backed by 2 MiB pages, the
same memory is about 125 entries: 4-5 ms. A program's own writes still copy 4 KiB
at a time (the kernel splits a shared huge page on the first write), so what a run
can see is unchanged.

The worker's own writes while a fork shares its memory split some huge pages back
into small ones over a build (250 MiB in huge pages after collapsing, 160 MiB some
thirty runs later). Collapsing again every 16 forks was measured and cost more than it
saved (cold build 16.0-16.8 s collapsing once, 16.9-17.6 s every 16 forks, 18.0-18.8 s
never), so it is done once, before a batch's forks (never for the odd run under
``mkdocs serve``: there it would only delay the next edit).

``MADV_COLLAPSE`` (Linux 6.1) asks the kernel to do this now, for memory already
allocated, whatever the system's transparent-huge-page setting says (it refuses only
memory marked ``MADV_NOHUGEPAGE``, such as thread stacks on recent kernels). Where the kernel lacks it or refuses a region, that region simply stays
as it was: the only cost of failing is the old fork time.
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
