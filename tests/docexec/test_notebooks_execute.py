"""docexec.notebooks.execute: a notebook page run once in a kernel, its executed copy kept
(named by the digest of its cache key) and reused; a failing cell names the notebook,
the cell and the error. The tests that start a kernel are marked ``notebooks``."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from docexec import cache as docexec_cache
from docexec.notebooks import execute
from docexec.settings import Settings


def tiny(*sources: str) -> str:
    """A small notebook: a markdown cell, then one code cell per source."""
    cells = [nbformat.v4.new_markdown_cell("# Tiny", id="cell-1")]
    cells += [nbformat.v4.new_code_cell(code, id=f"cell-{i}") for i, code in enumerate(sources, start=2)]
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nbformat.writes(nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": kernelspec}))


SETTINGS = Settings(timeout=60)


@pytest.mark.notebooks
def test_execute_fails_naming_notebook_cell_and_exception(tmp_path):
    src = tmp_path / "tiny.ipynb"
    src.write_text(tiny("x = 1", "1 / 0"))
    with pytest.raises(execute.NotebookError, match=r"tiny\.ipynb: cell 2 .*'1 / 0'.* raised ZeroDivisionError"):
        execute.execute(src, tmp_path / "cache", SETTINGS)
    assert not list((tmp_path / "cache").glob("*.ipynb")), "a failed run is not cached"


@pytest.mark.notebooks
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


@pytest.mark.notebooks
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


def test_the_executed_copies_go_to_the_cache_or_nowhere(tmp_path):
    assert execute.cache_folder(Settings(root=str(tmp_path))) == tmp_path / ".cache" / "docexec" / "notebooks"
    assert execute.cache_folder(Settings(root=str(tmp_path), cache_dir="")) is None


def test_an_unrelated_notebook_with_a_similar_name_is_left_alone(tmp_path, monkeypatch):
    """Only this notebook's older copies are replaced, not ``tiny-cpu-notes.ipynb``."""
    src, cache = tmp_path / "tiny.ipynb", tmp_path / "cache"
    src.write_text(tiny("x = 1"))
    cache.mkdir()
    (cache / "tiny-cpu-notes.ipynb").write_text("{}")
    monkeypatch.setattr(execute, "run", lambda nb, *args, **kwargs: None)
    written = execute.execute(src, cache, SETTINGS)
    assert sorted(p.name for p in cache.iterdir()) == sorted([Path(written).name, "tiny-cpu-notes.ipynb"])
