"""scripts/gpu-check.sh: the maintainers' command for a GPU machine (README, "Checking on a GPU").

Here there is no GPU, so the whole run cannot be tested: the tests check that the script
refuses clearly without a CUDA device, and that its summary counts what pytest and
``python -m docexec.cuda_records`` print.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "gpu-check.sh"


def run(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_without_a_cuda_device_it_says_so_and_runs_nothing(tmp_path):
    logs = tmp_path / "logs"
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "PYTHON": sys.executable, "GPU_CHECK_LOGS": str(logs)}
    done = run(env=env, cwd=tmp_path)  # the script finds the repository from its own path
    assert done.returncode == 2
    assert "no CUDA device" in done.stderr
    assert done.stdout == ""  # no test, no recording
    assert not logs.exists()


def summarize(tmp_path: Path, tests: str, record: str, check: str) -> subprocess.CompletedProcess:
    logs = []
    for name, text in [("tests.log", tests), ("record.log", record), ("check.log", check)]:
        (tmp_path / name).write_text(text)
        logs.append(str(tmp_path / name))
    return run("--summarize", *logs)


H200_TESTS = "........F.\n=== short test summary info ===\nFAILED tests/snippets/test_index.py::test_environment[cpu]\n"
H200_TESTS += "5 failed, 353 passed, 125 warnings in 28.95s\n"


@pytest.mark.parametrize(
    ("tests", "record", "check", "lines", "ok"),
    [
        (  # everything passed, everything recorded, nothing stale
            "== 356 passed, 2 skipped in 30.1s ==\n",
            "recorded backward/a.py\nrecorded backward/b.py\n",
            "2 snippets: 2 CUDA records current, 0 stale, 0 refused, 0 missing\n",
            ["snippet tests: 356 passed, 0 failed, 2 skipped", "CUDA records:  2 made, 0 failed, 0 stale, 0 refused"],
            True,
        ),
        (  # the H200 run of 2026-12-04: five tests failed
            H200_TESTS,
            "recorded backward/a.py\n",
            "",
            ["snippet tests: 353 passed, 5 failed, 0 skipped", "CUDA records:  1 made, 0 failed, 0 stale, 0 refused"],
            False,
        ),
        (  # a snippet failed to record and stayed stale; another record does not end as its fence says
            "== 1 passed, 1 error in 2.0s ==\n",
            "recorded backward/a.py\nFAILED cuda/timing.py\nrecorded backward/b.py\n2 of 3 snippets recorded on CUDA\n"
            "failed:\ncuda/timing.py: snippets/cuda/timing.py:3: raised RuntimeError: boom\n  File \"x.py\", line 1\n",
            "stale: cuda/timing.py\nrefused: backward/c.py: it does not end as the fence declares: backward/c.py: raised X\n"
            "3 snippets: 1 CUDA records current, 1 stale, 1 refused, 0 missing\n",
            ["snippet tests: 1 passed, 1 failed, 0 skipped", "CUDA records:  2 made, 1 failed, 1 stale, 1 refused"],
            False,
        ),
        (  # pytest never got to its summary line
            "ImportError while loading conftest\n",
            "recorded backward/a.py\n",
            "",
            ["snippet tests: 0 passed, 0 failed, 0 skipped", "CUDA records:  1 made, 0 failed, 0 stale, 0 refused"],
            False,
        ),
    ],
)
def test_summary_counts_what_the_steps_print(tmp_path, tests, record, check, lines, ok):
    done = summarize(tmp_path, tests, record, check)
    assert done.stdout.splitlines() == ["gpu-check summary", *(f"  {line}" for line in lines)]
    assert (done.returncode == 0) is ok
