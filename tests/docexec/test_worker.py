"""The fork server: a batch gets the lazy imports first, one edited snippet does not wait
for them; the Jupyter kernels it forks report how they ended and do not outlive it."""

import os
import signal

import pytest
from jupyter_client.connect import write_connection_file

from docexec.client import Worker

PROBE = 'import sys\nprint("dynamo preloaded:", "torch._dynamo" in sys.modules, "matplotlib:", "matplotlib.pyplot" in sys.modules)\n'


def outputs(tmp_path, count: int) -> list[str]:
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    worker = Worker(str(tmp_path), "cpu")
    try:
        futures = [worker.submit(str(probe), 60) for _ in range(count)]
        return [run["output"] for future in futures for run in future.result()]
    finally:
        worker.close()


def test_a_single_snippet_runs_before_the_lazy_imports(tmp_path):
    assert set(outputs(tmp_path, 1)) == {"dynamo preloaded: False matplotlib: False\n"}


def test_a_batch_runs_after_them(tmp_path):
    seen = outputs(tmp_path, 6)
    assert seen[-1] == "dynamo preloaded: True matplotlib: True\n", seen


def test_a_forked_kernel_reports_how_it_ended(tmp_path):
    worker = Worker(str(tmp_path), "cpu")
    try:
        kernel = worker.start_kernel(["--no-such-option"], str(tmp_path), dict(os.environ))
        assert kernel.wait(60) == 2  # ipykernel's own usage error, as from `python -m ipykernel_launcher`
        assert worker.exits == {}
    finally:
        worker.close()


def test_closing_the_worker_kills_the_kernels_it_forked(tmp_path):
    connection_file, _ = write_connection_file(str(tmp_path / "kernel.json"))
    worker = Worker(str(tmp_path), "cpu")
    kernel = worker.start_kernel(["-f", connection_file], str(tmp_path), dict(os.environ))
    assert kernel.poll() is None  # serving, until the build that asked for it ends
    worker.close()
    assert kernel.poll() == -signal.SIGKILL
    with pytest.raises(ProcessLookupError):
        os.kill(kernel.pid, 0)
