"""The workers: a batch gets the lazy imports first, one edited snippet does not wait for
them; two workers, so the two runs of a program differ as two interpreters do."""

import os

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


def test_a_single_program_runs_before_the_lazy_imports_and_they_follow_when_idle(worker, tmp_path):
    assert probe(worker, tmp_path) == "preloaded: False visible: False\n"
    assert probe(worker, tmp_path) == "preloaded: True visible: False\n"  # imported while idle, hidden from it


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
