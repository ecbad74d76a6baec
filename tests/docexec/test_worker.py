"""docexec.run.worker: a fork server. A batch gets the lazy imports first, one edited
snippet does not wait for them; under serve they follow once idle, hidden from programs."""

import os

import pytest

from docexec import judge
from docexec.run import client

# Whether the preloaded extras are in this process (matplotlib maps its C extensions),
# and whether the program can see them in sys.modules (it must not, until it imports one).
PROBE = 'import sys\nprint("preloaded:", "matplotlib" in open("/proc/self/maps").read(), "visible:", "sympy" in sys.modules)\n'


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


def test_a_batch_runs_after_them(worker, tmp_path):
    worker.send({"preload": True})
    assert probe(worker, tmp_path) == "preloaded: True visible: False\n"


def run(worker, tmp_path, name, source, timeout=60, max_output=10_000):
    (tmp_path / name).write_text(source)
    request = {"script": str(tmp_path / name), "title": f"page/{name}", "timeout": timeout, "max_output": max_output}
    return worker.run(request, name).result(timeout=120)


def test_a_run_past_its_timeout_is_killed_with_what_it_printed(worker, tmp_path):
    result = run(worker, tmp_path, "hang.py", "print('waiting', flush=True)\nwhile True:\n    pass\n", timeout=1)
    assert (result.timeout, result.status, result.finished, result.output) == (1, -9, False, "waiting\r\n")


def test_a_run_that_prints_too_much_is_killed_at_the_limit(worker, tmp_path):
    result = run(worker, tmp_path, "flood.py", "while True:\n    print('x' * 1000)\n", max_output=50_000)
    assert result.limit == 50_000 and result.size > 50_000 and result.status == -9 and result.stopped


def test_the_report_of_a_run_names_its_error_line_reads_and_folder_as_its_title(worker, tmp_path):
    (tmp_path / "data.txt").write_text("42\n")
    source = "import os\nprint(open('data.txt').read().strip(), __file__)\n\nraise KeyError('k')\n"
    result = run(worker, tmp_path, "report.py", source)
    assert result.finished and result.status == 1
    assert (result.error.type, result.error.module, result.error.message, result.error.line) == ("KeyError", "builtins", "'k'", 4)
    assert set(result.reads) == {str(tmp_path / "data.txt"), str(tmp_path / "report.py")}  # the program too
    assert result.output.startswith("42 page/report.py\r\n")  # the run's folder cut: the path reads as the title
