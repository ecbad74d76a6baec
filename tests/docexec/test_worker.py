"""The workers: a batch gets the lazy imports first, one edited snippet does not wait for
them; two workers, so the two runs of a program differ as two interpreters do."""

import os
import types

import pytest

from docexec import judge
from docexec.run import client, preload

# Whether the preloaded extras are in this process (matplotlib maps its C extensions),
# and whether the program can see them in sys.modules (it must not, until it imports one).
PROBE = 'import sys\nprint("preloaded:", "matplotlib" in open("/proc/self/maps").read(), "visible:", "sympy" in sys.modules)\n'


class FakeWorker:
    """Records what the pool sends; runs nothing."""

    def __init__(self, root, device, snippet_env):
        self.snippet_env = snippet_env
        self.sent = []
        self.closed = False
        self.proc = types.SimpleNamespace(poll=lambda: None)  # running

    def send(self, message):
        self.sent.append(message)

    def close(self):
        self.closed = True


@pytest.fixture
def fake_pool(monkeypatch, tmp_path):
    monkeypatch.setattr(client, "Worker", FakeWorker)
    pool = client.Pool(str(tmp_path), "cpu", 0, 1000)  # no lanes: everything submitted stays queued
    yield pool
    pool.close()


def test_a_pool_has_two_workers_and_cpu_hides_cuda(fake_pool):
    assert len(fake_pool.workers) == 2
    assert all(worker.snippet_env["CUDA_VISIBLE_DEVICES"] == "" for worker in fake_pool.workers)


def test_fewer_than_four_queued_programs_send_no_preload(fake_pool):
    for n in range(3):
        fake_pool.submit(f"/x/{n}.py", f"{n}.py", 60)
    assert [worker.sent for worker in fake_pool.workers] == [[], []]


def test_a_batch_of_four_asks_both_workers_to_preload_once(fake_pool):
    for n in range(4):
        fake_pool.submit(f"/x/{n}.py", f"{n}.py", 60)
    assert [worker.sent for worker in fake_pool.workers] == [[{"preload": True}]] * 2
    for n in range(4, 10):
        fake_pool.submit(f"/x/{n}.py", f"{n}.py", 60)
    assert [worker.sent for worker in fake_pool.workers] == [[{"preload": True}]] * 2


def test_closing_the_pool_cancels_what_is_queued_and_ends_the_workers(fake_pool):
    futures = [fake_pool.submit(f"/x/{n}.py", f"{n}.py", 60) for n in range(2)]
    fake_pool.close()
    assert all(future.cancelled() for future in futures)
    assert all(worker.closed for worker in fake_pool.workers)


@pytest.fixture
def worker(tmp_path):
    (tmp_path / "probe.py").write_text(PROBE)
    worker = client.Worker(str(tmp_path), "cpu", dict(os.environ, CUDA_VISIBLE_DEVICES=""))
    yield worker
    worker.close()


def probe(worker, tmp_path) -> str:
    request = {"script": str(tmp_path / "probe.py"), "title": "probe.py", "timeout": 60, "max_output": 10_000}
    return judge.shown(worker.run(request, "probe.py").result(timeout=120))


def test_in_a_one_shot_build_a_single_program_runs_without_the_lazy_imports_and_they_never_follow(worker, tmp_path):
    """A touched `mkdocs build`: importing them once idle would only take CPU from MkDocs."""
    assert probe(worker, tmp_path) == "preloaded: False visible: False\n"
    assert probe(worker, tmp_path) == "preloaded: False visible: False\n"


def test_under_serve_a_single_program_runs_before_the_lazy_imports_and_they_follow_when_idle(worker, tmp_path):
    worker.send({"preload": "when idle"})
    assert probe(worker, tmp_path) == "preloaded: False visible: False\n"
    assert probe(worker, tmp_path) == "preloaded: True visible: False\n"  # imported while idle, hidden from it


def test_keep_warm_tells_both_workers_once(fake_pool):
    fake_pool.keep_warm()
    fake_pool.keep_warm()
    assert [worker.sent for worker in fake_pool.workers] == [[{"preload": "when idle"}]] * 2


def test_build_and_serve_settings_share_one_pool(monkeypatch, tmp_path):
    """keep_warm is not part of what starts workers: `mkdocs serve` validating mkdocs.yml
    (keep_warm off) then building (on) must not start a second pair of workers."""
    monkeypatch.setattr(client, "Worker", FakeWorker)
    monkeypatch.setattr(client, "_pools", {})
    cold = client.get_pool(str(tmp_path), "cpu", 0, 1000)
    warm = client.get_pool(str(tmp_path), "cpu", 0, 1000, keep_warm=True)
    try:
        assert warm is cold and len(client._pools) == 1
        assert [worker.sent for worker in warm.workers] == [[{"preload": "when idle"}]] * 2
    finally:
        cold.close()


def test_a_batch_runs_after_them(worker, tmp_path):
    worker.send({"preload": True})
    assert probe(worker, tmp_path) == "preloaded: True visible: False\n"


def test_the_extras_are_what_torch_imports_lazily():
    assert {"torch._dynamo", "matplotlib.pyplot", "sympy"} <= set(preload.EXTRAS)


def test_the_two_runs_come_from_two_interpreters(tmp_path):
    (tmp_path / "which.py").write_text("import os, torch\nprint(os.getppid(), hash('docexec'), torch.initial_seed())\n")
    pool = client.Pool(str(tmp_path), "cpu", 1, 10_000)
    try:
        runs = pool.submit(str(tmp_path / "which.py"), "which.py", 60).result(timeout=120)
    finally:
        pool.close()
    assert [run["status"] for run in runs] == [0, 0]
    (parent1, hash1, seed1), (parent2, hash2, seed2) = (judge.shown(run).split() for run in runs)
    assert {int(parent1), int(parent2)} == {worker.proc.pid for worker in pool.workers}
    assert hash1 != hash2  # each worker has its own hash seed: set order differs as between two `python` runs
    assert seed1 != seed2  # torch is seeded from the OS per run


class TimedWorker(FakeWorker):
    """Answers each run after a short while, reporting the peak memory the test chose,
    and records how many runs were in flight on both workers when each one started."""

    active = 0
    lock = None
    log: list = []

    def run(self, request, title):
        import threading
        import time
        from concurrent.futures import Future

        future: Future = Future()
        with TimedWorker.lock:
            TimedWorker.active += 1
            TimedWorker.log.append((title, TimedWorker.active))

        def finish():
            time.sleep(0.2)
            with TimedWorker.lock:
                TimedWorker.active -= 1
            peak = (10 if "big" in title else 1) * 2**30
            future.set_result({"output": "", "status": 0, "result": {"peak": {"rss_bytes": peak}}})

        threading.Thread(target=finish, daemon=True).start()
        return future


def test_a_run_that_used_much_memory_is_run_again_alone(monkeypatch, tmp_path):
    """A first run over a quarter of the machine's memory: its second run waits for the
    others and nothing starts beside it; small programs run two at a time."""
    import threading

    TimedWorker.lock, TimedWorker.log, TimedWorker.active = threading.Lock(), [], 0
    monkeypatch.setattr(client, "Worker", TimedWorker)
    monkeypatch.setattr(client, "_memory_total", lambda: 16 * 2**30)  # "big" runs peak at 10 GiB
    pool = client.Pool(str(tmp_path), "cpu", 2, 1000)
    try:
        futures = [pool.submit(f"/x/{name}.py", name, 60) for name in ("big", "small1", "small2", "small3")]
        for future in futures:
            assert len(future.result(timeout=30)) == 2
    finally:
        pool.close()
    starts = [(title, active) for title, active in TimedWorker.log]
    big_second = [i for i, (title, _) in enumerate(starts) if title == "big"][1]
    assert starts[big_second][1] == 1, f"the second run of big did not run alone: {starts}"
    assert max(active for _, active in starts) == 2, f"small programs should share the lanes: {starts}"


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
hugepages.collapse()
print(before, huge_kib())
"""


def test_collapse_backs_the_worker_memory_with_huge_pages_where_the_kernel_can():
    """What makes a fork cheap (see hugepages.py): 64 MiB written in small pages is (nearly)
    all in 2 MiB pages after collapse()."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", COLLAPSE], capture_output=True, text=True, check=True).stdout
    if out.strip() == "unsupported":
        pytest.skip("this kernel has no MADV_COLLAPSE (Linux < 6.1): forks stay as they were")
    before, after = map(int, out.split())  # KiB (the mapping may have merged with the probe's)
    assert after - before >= 60 << 10  # at least 60 of the 64 MiB went from small pages to huge


def test_the_mkdocs_hook_keeps_the_workers_warm_under_serve_only(tmp_path):
    from docexec import mkdocs_hooks

    try:
        for command, warm in (("build", False), ("gh-deploy", False), ("serve", True)):
            mkdocs_hooks.on_startup(command, dirty=False)
            mkdocs_hooks.on_config({"mdx_configs": {}, "docs_dir": str(tmp_path), "plugins": {}})
            assert mkdocs_hooks._settings["build"].keep_warm is warm, command
    finally:
        mkdocs_hooks.on_startup("build", dirty=False)
