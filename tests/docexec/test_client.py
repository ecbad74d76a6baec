"""docexec.run.client: two workers, each program run once on each; a batch preloads; a run
the executor stopped gets no second run; a long run is never a silent wait; a worker's
failure is the executor's, not the snippet's."""

import os
import re
import threading
import time
import types
from concurrent.futures import Future
from pathlib import Path

import pytest

from docexec import judge
from docexec.errors import DocexecError, SnippetError
from docexec.run import client
from docexec.run.result import RunResult
from docexec.settings import Settings


class FakeWorker:
    """Records what the pool sends; answers each run with ``answer(title)`` after ``delay``
    seconds (never, when ``delay`` is None)."""

    started = 0
    delay = None
    answer = staticmethod(lambda title: RunResult("", 0, 0.0, finished=True))

    def __init__(self, root, device, snippet_env, torch_cache=""):
        FakeWorker.started += 1
        self.snippet_env = snippet_env
        self.sent = []
        self.runs = []
        self.closed = False
        self.proc = types.SimpleNamespace(poll=lambda: None)  # running

    def send(self, message):
        self.sent.append(message)

    def run(self, request, title):
        self.runs.append(title)
        future = Future()
        if self.delay is not None:
            threading.Timer(self.delay, lambda: future.set_result(self.answer(title))).start()
        return future

    def close(self):
        self.closed = True


@pytest.fixture
def fake_workers(monkeypatch):
    monkeypatch.setattr(client, "Worker", FakeWorker)
    monkeypatch.setattr(FakeWorker, "started", 0)
    monkeypatch.setattr(client, "_pools", {})  # none of the real pools of this process
    return FakeWorker


@pytest.fixture
def fake_pool(fake_workers, tmp_path):
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


def test_keep_warm_tells_both_workers_once(fake_pool):
    fake_pool.keep_warm()
    fake_pool.keep_warm()
    assert [worker.sent for worker in fake_pool.workers] == [[{"preload": "when idle"}]] * 2


def test_build_and_serve_settings_share_one_pair_of_workers(fake_workers, tmp_path):
    """`mkdocs serve` validates mkdocs.yml with the settings of a build, then builds with
    those of serve: one pair of workers, told to stay warm."""
    built = client.get_pool(Settings(root=str(tmp_path)))
    served = client.get_pool(Settings.load({"root": str(tmp_path), "command": "serve"}))
    try:
        assert served is built and fake_workers.started == 2
        assert [worker.sent for worker in served.workers] == [[{"preload": "when idle"}]] * 2
        other = client.get_pool(Settings(root=str(tmp_path), max_output=5))  # runs differ: its own workers
        assert other is not built and fake_workers.started == 4
    finally:
        client.close_all()


def test_a_run_the_executor_stopped_gets_no_second_run(fake_workers, tmp_path, monkeypatch):
    """A snippet that hangs costs its timeout once, not twice."""
    monkeypatch.setattr(FakeWorker, "delay", 0.0)
    monkeypatch.setattr(FakeWorker, "answer", staticmethod(
        lambda title: RunResult("", -9, 0.0, timeout=3.0) if title == "hang.py" else RunResult("", 0, 0.0, finished=True)))
    pool = client.Pool(str(tmp_path), "cpu", 1, 1000)
    try:
        hung = pool.submit("/x/hang.py", "hang.py", 3).result(timeout=10)
        fine = pool.submit("/x/ok.py", "ok.py", 3).result(timeout=10)
    finally:
        pool.close()
    assert [run.timeout for run in hung] == [3.0] and len(fine) == 2
    assert [worker.runs for worker in pool.workers] == [["hang.py", "ok.py"], ["ok.py"]]


def test_a_long_run_says_which_snippet_the_build_waits_for(monkeypatch, capsys):
    """Progress counts from the run's fork (the worker says when), not from when it was queued."""
    monkeypatch.setattr(client, "PROGRESS", 1.0)
    future = Future()
    threading.Timer(1.2, lambda: setattr(future, "started", time.monotonic())).start()  # queued 1.2 s, then forked
    threading.Timer(3.6, lambda: future.set_result("done")).start()
    assert client._wait(future, "page/slow.py", 20) == "done"
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f"docexec: page/slow.py still running after {n} s (its timeout: 20 s)" for n in (1, 2)]


def test_a_queued_run_is_not_reported_as_running(monkeypatch, capsys):
    monkeypatch.setattr(client, "PROGRESS", 1.0)
    future = Future()
    threading.Timer(2.5, lambda: future.set_result("done")).start()  # never reported as started
    assert client._wait(future, "page/queued.py", 20) == "done"
    assert capsys.readouterr().err == ""


class TimedWorker(FakeWorker):
    """Answers each run after a short while, reporting the peak memory the test chose,
    and records how many runs were in flight on both workers when each one started."""

    active = 0
    lock = threading.Lock()
    log: list = []

    def run(self, request, title):
        future: Future = Future()
        with TimedWorker.lock:
            TimedWorker.active += 1
            TimedWorker.log.append((title, TimedWorker.active))

        def finish():
            time.sleep(0.2)
            with TimedWorker.lock:
                TimedWorker.active -= 1
            peak = (10 if "big" in title else 1) * 2**30
            future.set_result(RunResult("", 0, 0.0, finished=True, peak={"rss_bytes": peak}))

        threading.Thread(target=finish, daemon=True).start()
        return future


def test_a_run_that_used_much_memory_is_run_again_alone(monkeypatch, tmp_path):
    """A first run over a quarter of the machine's memory: its second run waits for the
    others and nothing starts beside it; small programs run two at a time."""
    monkeypatch.setattr(TimedWorker, "log", [])
    monkeypatch.setattr(TimedWorker, "active", 0)
    monkeypatch.setattr(client, "Worker", TimedWorker)
    monkeypatch.setattr(client, "_memory_total", lambda: 16 * 2**30)  # "big" runs peak at 10 GiB
    pool = client.Pool(str(tmp_path), "cpu", 2, 1000)
    try:
        futures = [pool.submit(f"/x/{name}.py", name, 60) for name in ("big", "small1", "small2", "small3")]
        for future in futures:
            assert len(future.result(timeout=30)) == 2
    finally:
        pool.close()
    starts = TimedWorker.log
    big_second = [i for i, (title, _) in enumerate(starts) if title == "big"][1]
    assert starts[big_second][1] == 1, f"the second run of big did not run alone: {starts}"
    assert max(active for _, active in starts) == 2, f"small programs should share the lanes: {starts}"


def test_the_memory_gate_lets_a_large_run_in_only_when_it_is_alone():
    gate = client.MemoryGate()
    gate.enter(alone=False)
    entered = threading.Event()
    threading.Thread(target=lambda: (gate.enter(alone=True), entered.set()), daemon=True).start()
    assert not entered.wait(0.2)  # another run is in
    gate.leave()
    assert entered.wait(5)
    blocked = threading.Event()
    threading.Thread(target=lambda: (gate.enter(alone=False), blocked.set()), daemon=True).start()
    assert not blocked.wait(0.2)  # nothing beside the large run
    gate.leave()
    assert blocked.wait(5)
    gate.leave()


# -- real workers ---------------------------------------------------------------------


def torch_caches(pool) -> list[str]:
    """Where each worker of ``pool`` has torch keep its compile cache (once it runs Python:
    until its exec, /proc shows the environment it was forked with)."""
    found = []
    for worker in pool.workers:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            environ = Path(f"/proc/{worker.proc.pid}/environ").read_bytes().decode().split("\0")
            if any(line.startswith("DOCEXEC_SNIPPET_ENV=") for line in environ):
                break
            time.sleep(0.05)
        found += [line.split("=", 1)[1] for line in environ if line.startswith("TORCHINDUCTOR_CACHE_DIR=")]
    return found


def test_torchs_cache_is_in_the_sites_cache_or_with_the_cache_off_the_workers_own(tmp_path, monkeypatch):
    monkeypatch.delenv("TORCHINDUCTOR_CACHE_DIR", raising=False)
    cached = client.get_pool(Settings(root=str(tmp_path)))
    uncached = client.get_pool(Settings(root=str(tmp_path), cache_dir=""))
    try:
        assert torch_caches(cached) == [str(tmp_path / ".cache" / "torchinductor")] * 2
        own = torch_caches(uncached)
        assert len(set(own)) == 2 and all(Path(folder).parent.is_dir() and tmp_path not in Path(folder).parents for folder in own)
    finally:
        cached.close()
        uncached.close()
    assert not any(Path(folder).parent.exists() for folder in own)  # gone with the workers' folders


def test_the_two_runs_come_from_two_interpreters(tmp_path):
    (tmp_path / "which.py").write_text("import os, torch\nprint(os.getppid(), hash('docexec'), torch.initial_seed())\n")
    pool = client.Pool(str(tmp_path), "cpu", 1, 10_000)
    try:
        runs = pool.submit(str(tmp_path / "which.py"), "which.py", 60).result(timeout=120)
    finally:
        pool.close()
    assert [run.status for run in runs] == [0, 0]
    (parent1, hash1, seed1), (parent2, hash2, seed2) = (judge.shown(run).split() for run in runs)
    assert {int(parent1), int(parent2)} == {worker.proc.pid for worker in pool.workers}
    assert hash1 != hash2  # each worker has its own hash seed: set order differs as between two `python` runs
    assert seed1 != seed2  # torch is seeded from the OS per run


def test_a_hanging_program_runs_once(tmp_path):
    log = tmp_path / "starts.log"
    (tmp_path / "hang.py").write_text(f"open({str(log)!r}, 'a').write('started\\n')\nwhile True:\n    pass\n")
    pool = client.Pool(str(tmp_path), "cpu", 1, 10_000)
    try:
        (run,) = pool.submit(str(tmp_path / "hang.py"), "hang.py", 2).result(timeout=120)
    finally:
        pool.close()
    assert run.timeout == 2 and run.stopped
    assert log.read_text() == "started\n"


KILLER = "import os, signal\nprint('killing my worker')\nos.kill(os.getppid(), signal.SIGKILL)\n"


def test_a_worker_that_dies_is_the_executors_failure_not_the_snippets(render):
    """Its error names the worker and the runs it had; a page catching what a snippet did
    wrong (SnippetError) does not take it for one. The next build gets new workers."""
    with pytest.raises(client.WorkerError) as caught:
        render('```python exec\n--8<-- "killer.py"\n```\n', killer=KILLER)
    assert not isinstance(caught.value, SnippetError) and isinstance(caught.value, DocexecError)
    assert str(caught.value).startswith("the docexec worker ended (exit status -9) while running: killer.py")
    pid = os.getpid()
    assert str(pid) in render('```python exec\n--8<-- "alive.py"\n```\n', alive=f"print({pid})\n")


# -- in a real `mkdocs build` ---------------------------------------------------------


@pytest.mark.build
def test_a_hanging_snippet_runs_once_and_a_long_one_is_never_a_silent_wait(scratch_site, tmp_path):
    starts = tmp_path / "starts.log"
    site = scratch_site()
    site.snippet("hang.py", f"open({str(starts)!r}, 'a').write('started\\n')\nwhile True:\n    pass\n")
    site.snippet("sleeper.py", "import time\ntime.sleep(11.5)\nprint('woke up')\n")
    site.page("hang", "hang.py", options=" timeout=3")
    site.page("slow", "sleeper.py", options=" timeout=20")
    done = site.build()
    assert starts.read_text() == "started\n", "the hanging snippet was started again after its timeout"
    assert "docexec: sleeper.py still running after 10 s (its timeout: 20 s)" in done.stderr
    assert done.returncode == 1
    assert "  docs/hang.md: exec fence at line 3: hang.py: still running after 3 s (its timeout)" in done.stderr
    assert "sleeper.py" not in done.stderr.split("may not be published")[1]



def test_a_killed_worker_leaves_no_folder_behind(tmp_path, monkeypatch):
    """A worker killed outright cannot remove its runs' folders: everything it writes is in one
    folder of the client's, removed when the pool is closed."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))  # the client's and the workers' temporary folder
    monkeypatch.setattr(client.tempfile, "tempdir", None)  # read TMPDIR again
    (tmp_path / "killer.py").write_text(KILLER)
    pool = client.Pool(str(tmp_path), "cpu", 1, 10_000)
    try:
        with pytest.raises(client.WorkerError):
            pool.submit(str(tmp_path / "killer.py"), "killer.py", 60).result(timeout=120)
        assert any(temp.iterdir())  # the dead worker's folder, with its run's copy in it
    finally:
        pool.close()
    assert list(temp.iterdir()) == []


def test_a_pool_with_a_dead_worker_is_closed_when_the_next_build_replaces_it(tmp_path):
    settings = Settings(root=str(tmp_path))
    first = client.get_pool(settings)
    try:
        first.workers[0].proc.kill()
        first.workers[0].proc.wait()
        second = client.get_pool(settings)
        assert second is not first
        assert first.workers[1].proc.wait(timeout=10) is not None  # the survivor ended too
        assert not any(Path(worker.folder).exists() for worker in first.workers)
    finally:
        client.close_all()
