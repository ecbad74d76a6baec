"""docexec.run.hugepages: the worker's memory backed by 2 MiB pages, so that a fork copies
a few hundred page-table entries instead of tens of thousands."""

import subprocess
import sys

import pytest

COLLAPSE = """
import ctypes, errno, mmap
from docexec.run import hugepages

MADV_HUGEPAGE, MADV_NOHUGEPAGE, SIZE = 14, 15, 64 << 20
libc = ctypes.CDLL(None, use_errno=True)
libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]

probe = mmap.mmap(-1, 2 * hugepages.HUGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
probe.write(b"x" * (2 * hugepages.HUGE))  # an empty range is refused as well
start = ctypes.addressof(ctypes.c_char.from_buffer(probe))
aligned = (start + hugepages.HUGE - 1) & ~(hugepages.HUGE - 1)
if libc.madvise(aligned, hugepages.HUGE, hugepages.MADV_COLLAPSE) != 0 and ctypes.get_errno() == errno.EINVAL:
    print("unsupported")
    raise SystemExit

block = mmap.mmap(-1, SIZE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)  # as the worker's heap
address = ctypes.addressof(ctypes.c_char.from_buffer(block))
libc.madvise(address, SIZE, MADV_NOHUGEPAGE)  # whatever the system's setting: small pages
block.write(b"x" * SIZE)  # every 4 KiB page present
libc.madvise(address, SIZE, MADV_HUGEPAGE)  # lifts that again, as memory normally is

def huge_kib():  # AnonHugePages of this mapping only
    inside = False
    for line in open("/proc/self/smaps"):
        if line[0] in "0123456789abcdef" and "-" in line.split()[0]:
            low, high = (int(x, 16) for x in line.split()[0].split("-"))
            inside = low <= address < high
        elif inside and line.startswith("AnonHugePages:"):
            return int(line.split()[1])

before = huge_kib()
done = hugepages.collapse()
print(before, huge_kib(), done)
"""


def test_collapse_backs_the_worker_memory_with_huge_pages_where_the_kernel_can():
    """64 MiB written in small pages is (nearly) all in 2 MiB pages after collapse()."""
    out = subprocess.run([sys.executable, "-c", COLLAPSE], capture_output=True, text=True, check=True).stdout
    if out.strip() == "unsupported":
        pytest.skip("this kernel has no MADV_COLLAPSE (Linux < 6.1): forks stay as they were")
    before, after, done = map(int, out.split())  # KiB, KiB, bytes (the mapping may have merged with the probe's)
    if before >= 60 << 10:
        pytest.skip("the kernel (khugepaged) had already put the mapping in huge pages: nothing left to show")
    assert after >= 60 << 10  # at least 60 of the 64 MiB are in huge pages after it, whatever was before
    assert done >= 60 << 20  # and collapse() counts them
