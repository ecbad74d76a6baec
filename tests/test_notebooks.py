"""Every page as a notebook, run in a fresh Jupyter kernel: what a reader gets from
"Download notebook" or "Open in Colab" must run top to bottom.

Cost: one kernel, and one ``import torch``, per notebook and device: about 10 s
per page here, plus a few seconds for docs/*.ipynb and the cache. Everything
here is marked ``notebooks`` (``-m "not notebooks"`` leaves it out); the
notebooks are separate tests, so ``-n auto`` (pytest-xdist) runs them side by side.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
import torch

from docexec import cache as docexec_cache
from docexec.settings import Settings
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


def tiny(*sources: str) -> str:
    """A small notebook: a markdown cell, then one code cell per source."""
    cells = [nbformat.v4.new_markdown_cell("# Tiny", id="cell-1")]
    cells += [nbformat.v4.new_code_cell(code, id=f"cell-{i}") for i, code in enumerate(sources, start=2)]
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nbformat.writes(nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": kernelspec}))


SETTINGS = Settings(timeout=60)


def test_execute_fails_naming_notebook_cell_and_exception(tmp_path):
    src = tmp_path / "tiny.ipynb"
    src.write_text(tiny("x = 1", "1 / 0"))
    with pytest.raises(execute.NotebookError, match=r"tiny\.ipynb: cell 2 .*'1 / 0'.* raised ZeroDivisionError"):
        execute.execute(src, tmp_path / "cache", SETTINGS)
    assert not list((tmp_path / "cache").glob("*.ipynb")), "a failed run is not cached"


def test_execute_reuses_and_replaces_its_copy(tmp_path, monkeypatch):
    src, cache = tmp_path / "tiny.ipynb", tmp_path / "cache"
    src.write_text(tiny("x = 1", "import os; print(repr(os.environ['CUDA_VISIBLE_DEVICES']))"))
    first = execute.execute(src, cache, SETTINGS)
    assert nbformat.read(first, as_version=4).cells[2].outputs[0].text == "''\n"  # CUDA hidden on cpu

    def no_run(*args, **kwargs):
        raise AssertionError("ran again")

    with monkeypatch.context() as patch:
        patch.setattr(execute, "run", no_run)
        assert execute.execute(src, cache, SETTINGS) == first  # warm: not run again

    src.write_text(tiny("x = 2", "print(x)"))
    second = execute.execute(src, cache, SETTINGS)
    assert second != first
    assert sorted(cache.iterdir()) == [Path(second)]  # the old copy is gone


def test_a_cell_past_its_timeout_is_named(tmp_path):
    nb = nbformat.reads(tiny("import time", "time.sleep(30)"), as_version=4)
    with pytest.raises(execute.NotebookError, match=r"tiny\.ipynb: cell 2 .*'time.sleep\(30\)'.*CellTimeoutError"):
        execute.run(nb, tmp_path / "tiny.ipynb", timeout=2)


def test_the_notebook_key_is_a_snippet_key_and_every_part_of_it_counts(tmp_path, monkeypatch):
    """One function decides what a result depends on (``cache.make_key``): a notebook's key
    is a snippet's with no deps, and the executed copy is named by its digest."""
    src, cache_dir = tmp_path / "tiny.ipynb", tmp_path / "cache"
    src.write_text(tiny("x = 1"))
    assert execute.cache_key(src) == docexec_cache.make_key(str(src), "cpu", [], tmp_path)
    assert execute.cache_key(src)["deps"] == {}
    named = execute.executed_path(src, cache_dir)
    assert named == cache_dir / f"tiny-cpu-{docexec_cache.key_digest(execute.cache_key(src))}.ipynb"

    def digest(device: str = "cpu") -> str:
        return docexec_cache.key_digest(execute.cache_key(src, device))

    before = digest()
    assert re.fullmatch(r"[0-9a-f]{64}", before)
    assert digest("cuda") != before
    src.write_text(tiny("x = 2"))
    assert digest() != before
    src.write_text(tiny("x = 1"))
    assert digest() == before
    with monkeypatch.context() as patch:
        patch.setattr(docexec_cache, "torch_version", lambda: "0.0.0")
        assert digest() != before
    with monkeypatch.context() as patch:
        patch.setattr(docexec_cache, "executor_fingerprint", lambda: "another executor")
        assert digest() != before
