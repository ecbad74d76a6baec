"""The fork server's preloading: a batch gets the lazy imports first, one edited snippet does not wait for them."""

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
