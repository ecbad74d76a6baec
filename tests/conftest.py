"""Shared fixtures: run a snippet on each device and hand back its globals."""

from __future__ import annotations

import os
import runpy
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

# Material prints a 10-line notice on every `mkdocs` command; nothing the tests start shows it.
os.environ["NO_MKDOCS_2_WARNING"] = "1"

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"

requires_cuda = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="no CUDA device here; the CUDA case runs on a GPU machine"
)


@pytest.fixture(params=["cpu", pytest.param("cuda", marks=[pytest.mark.cuda, requires_cuda])])
def device(request, monkeypatch) -> str:
    """The device a snippet must pick. On the CPU case CUDA is hidden from it,
    so the usual `"cuda" if torch.cuda.is_available() else "cpu"` line picks the CPU
    even on a GPU machine."""
    if request.param == "cpu":
        monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    return request.param


@pytest.fixture
def run_snippet(device, capsys):
    """Run ``snippets/<name>`` as ``python <name>`` would; return its globals plus ``out`` (stdout)."""

    def run(name: str) -> SimpleNamespace:
        capsys.readouterr()
        _forget_earlier_main_modules()
        namespace = runpy.run_path(str(SNIPPETS / name), run_name="__main__")
        namespace["out"] = capsys.readouterr().out
        return SimpleNamespace(**namespace)

    return run


def _forget_earlier_main_modules() -> None:
    """runpy gives every run a new temporary module named ``__main__``. Dynamo looks modules
    up by name through a process-wide cache (``torch._dynamo.symbolic_convert._import_module``,
    a ``functools.cache`` that ``torch._dynamo.reset()`` leaves alone): when it inlines a
    function of the snippet that is not the compiled frame itself (a backward hook under
    compiled autograd), it reaches that function's globals as ``__main__``, and the cache
    hands it the first run's module. The second run's hooks then wrote into the first
    run's ``calls`` list. ``python file.py`` runs one ``__main__`` per process and never
    meets this, so only the tests need it. Private API: skipped if torch renames it."""
    convert = sys.modules.get("torch._dynamo.symbolic_convert")
    cache_clear = getattr(getattr(convert, "_import_module", None), "cache_clear", None)
    if cache_clear is not None:
        cache_clear()


@pytest.fixture(autouse=True)
def _torch_global_state():
    """Snippets run in the test process: fail if one leaves global torch state changed."""
    state = lambda: (  # noqa: E731
        torch.is_grad_enabled(),
        torch.is_inference_mode_enabled(),
        torch.is_anomaly_enabled(),
        torch.get_default_dtype(),
        torch.are_deterministic_algorithms_enabled(),
    )
    before = state()
    yield
    assert state() == before, "a snippet changed global torch state"


def pytest_terminal_summary(terminalreporter):
    """Skips grouped by reason, one line each, most frequent first: the 110 CUDA cases
    skipped on a machine without a GPU are one line, and a rarer reason (chromium
    missing) stands out instead of being buried among them. pyproject.toml's addopts
    leave ``s`` out of ``-r`` so pytest does not also list them one location at a time;
    ``-rs`` brings that list back."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if isinstance(r.longrepr, tuple)]
    if not skipped:
        return
    by_reason = Counter(_skip_reason(r) for r in skipped)
    terminalreporter.section("skipped, by reason", sep="-")
    width = len(str(max(by_reason.values())))
    for reason, count in by_reason.most_common():
        where = ""
        if count <= 3:  # name the few: a rare skip is the one worth looking at
            where = " (" + ", ".join(r.nodeid for r in skipped if _skip_reason(r) == reason) + ")"
        terminalreporter.write_line(f"{count:>{width}} skipped: {reason}{where}")


def _skip_reason(report) -> str:
    reason = report.longrepr[2]
    return reason.removeprefix("Skipped: ")
