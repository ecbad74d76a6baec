"""Every page as a notebook, run in a fresh Jupyter kernel: what a reader gets from
"Download notebook" or "Open in Colab" must run top to bottom.

Cost: one kernel, and one ``import torch``, per notebook and device: about 10 s
per page here, plus a few seconds for docs/*.ipynb. Everything here is marked
``notebooks`` (``-m "not notebooks"`` leaves it out); the notebooks are separate
tests, so ``-n auto`` (pytest-xdist) runs them side by side. How a notebook page is
run and cached is tested in tests/docexec/test_notebooks_execute.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
import torch

from docexec.notebooks import execute, generate

pytestmark = pytest.mark.notebooks

ROOT = Path(__file__).resolve().parent.parent
GENERATED = generate.expected(generate.settings_for(ROOT))  # docs/notebooks/<page>.ipynb -> text, from docs/*.md and snippets/
NOTEBOOK_PAGES = sorted((ROOT / "docs").glob("*.ipynb"))
DEVICES = [
    "cpu",
    pytest.param(
        "cuda",
        marks=[
            pytest.mark.cuda,
            pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here; runs on a GPU machine"),
        ],
    ),
]


def short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("path", sorted(GENERATED), ids=lambda p: Path(p).stem)
def test_page_notebook_runs(path, device, tmp_path):
    """No cell raises, except the cells tagged raises-exception, which raise exactly the page's exception,
    with a message that matches the fence's ``match=``."""
    nb = nbformat.reads(GENERATED[path], as_version=4)
    execute.run(nb, tmp_path / Path(path).name, device, timeout=120, allow_errors=True)
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        where = f"cell {index} ({cell.metadata['docexec']['snippet']})"
        errors = [output for output in cell.outputs if output.output_type == "error"]
        expected = cell.metadata["docexec"].get("raises")
        raised = [f"{error.ename}: {error.evalue}" for error in errors]
        if expected is None and errors:
            problems.append(f"{where} raised {raised}")
        elif expected is not None and [error.ename for error in errors] != [short(expected)]:
            problems.append(f"{where} should raise {expected}, raised {raised or 'nothing'}")
        elif expected is not None and not re.search(cell.metadata["docexec"]["match"], errors[0].evalue):
            problems.append(f"{where} should raise {expected} matching {cell.metadata['docexec']['match']!r}, raised {raised}")
    assert not problems, "\n".join(problems)


def test_committed_notebooks_are_current():
    """The download buttons and Colab links open docs/notebooks/<page>.ipynb: it must match its page."""
    stale = generate.stale(generate.settings_for(ROOT))
    assert not stale, "out of date (run `python -m docexec.notebooks`): " + ", ".join(stale)


@pytest.fixture(scope="module")
def train_runs():
    """docs/train_tiny_network.ipynb, run twice in a new kernel, as the build and a reader's Jupyter do."""
    runs = []
    for _ in range(2):
        nb = nbformat.read(ROOT / "docs" / "train_tiny_network.ipynb", as_version=4)
        execute.run(nb, ROOT / "docs" / "train_tiny_network.ipynb", "cpu", timeout=300)
        runs.append(nbformat.writes(nb))
    return runs


@pytest.mark.parametrize("page", NOTEBOOK_PAGES, ids=lambda p: p.name)
def test_notebook_pages_are_stored_without_outputs(page):
    stored = json.loads(page.read_text(encoding="utf-8"))
    assert all(not cell.get("outputs") and cell.get("execution_count") is None for cell in stored["cells"])


def test_train_tiny_network_runs_the_same_twice(train_runs):
    """Byte-identical executed notebooks: the plot is SVG with fixed ids and no date."""
    assert train_runs[0] == train_runs[1]


def test_train_tiny_network_plots_its_loss_curve(train_runs):
    executed = nbformat.reads(train_runs[0], as_version=4)
    outputs = [output for cell in executed.cells for output in cell.get("outputs", [])]
    svgs = [output.data["image/svg+xml"] for output in outputs if "image/svg+xml" in output.get("data", {})]
    assert len(svgs) == 1 and "Loss curve" in svgs[0]
    assert not any("image/png" in output.get("data", {}) for output in outputs)
    text = "".join(output.get("text", "") for output in outputs)
    assert "device: cpu" in text  # the build hides CUDA
    assert "recorded a graph: False" in text
