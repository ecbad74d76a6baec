"""Recorded CUDA outputs, tested on CPU with fixture records: tabs, "same on CUDA", stale marking, the check."""

import json

import markdown
import pytest

from docexec import cache, cuda_records, session
from docexec.run import client
from docexec.settings import Settings

FAKE = {"gpu": "Fake GPU 80GB", "torch": "2.13.0+cu130", "cuda": "13.0", "date": "2026-11-24"}
CONFIG = {"cuda_records": "recorded/cuda", "cache_dir": ""}


def page_of(name):
    return f'```python exec\n--8<-- "page/{name}.py"\n```\n'


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "snippets" / "page").mkdir(parents=True)
    (tmp_path / "docs").mkdir()

    def snippet(name, source, cuda_output=None, stale=False, **key_parts):
        path = tmp_path / "snippets" / "page" / f"{name}.py"
        path.write_text(source)
        if cuda_output is not None:
            key = cache.make_key(str(path), "cuda", [], tmp_path)
            key["torch"] = FAKE["torch"]  # the GPU machine's build
            key.update(key_parts)
            if stale:
                key["source"] = "0" * 64
            target = cuda_records.record_path("recorded/cuda", str(path))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps({"snippet": f"page/{name}.py", "output": cuda_output, "key": key, **FAKE}))
        return page_of(name)

    def render(page):
        (tmp_path / "docs" / "page.md").write_text(page)
        session.begin(Settings.load(CONFIG))  # a new build, in this folder
        md = markdown.Markdown(
            extensions=["admonition", "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.snippets", "docexec.extension"],
            extension_configs={
                "pymdownx.tabbed": {"alternate_style": True},
                "pymdownx.snippets": {"base_path": ["snippets"], "check_paths": True},
                "docexec.extension": CONFIG,
            },
        )
        return md.convert(page)

    yield snippet, render
    client.close_all()  # the workers run in this test's folder: a new pool per test


def test_same_output_says_so(site):
    snippet, render = site
    out = render(snippet("same", "print(6 * 7)\n", cuda_output="42\n"))
    assert "Output · same on CUDA (Fake GPU 80GB, torch 2.13.0+cu130)" in out
    assert "tabbed-set" not in out


def test_different_output_is_shown_in_labelled_tabs(site):
    snippet, render = site
    out = render(snippet("differs", "print('tensor([1.])')\n", cuda_output="tensor([1.], device='cuda:0')\n"))
    assert "tabbed-set" in out
    assert ">CPU</label>" in out and ">CUDA · Fake GPU 80GB · torch 2.13.0+cu130</label>" in out
    assert "Output on CPU</span><pre><code>tensor([1.])</code>" in out
    assert "Output on CUDA (Fake GPU 80GB, torch 2.13.0+cu130, CUDA 13.0, recorded 2026-11-24)" in out
    assert "<pre><code>tensor([1.], device='cuda:0')</code></pre>" in out


def test_stale_record_is_never_shown_as_current(site):
    snippet, render = site
    out = render(snippet("old", "print('new version')\n", cuda_output="OLD CUDA OUTPUT\n", stale=True))
    assert "OLD CUDA OUTPUT" not in out
    assert "Recorded CUDA output is out of date" in out and "new version" in out


def test_editing_a_snippet_makes_its_record_stale(site, tmp_path):
    snippet, render = site
    snippet("edited", "print(1)\n", cuda_output="1\n")
    (tmp_path / "snippets" / "page" / "edited.py").write_text("print(2)\n")
    out = render(page_of("edited"))
    assert "out of date" in out and "same on CUDA" not in out


def test_a_record_from_another_torch_or_executor_stays_current(site):
    """The GPU machine may have its own torch; staleness is the snippet's own business."""
    snippet, render = site
    out = render(snippet("other", "print(5)\n", cuda_output="5\n", torch="1.0.0", executor="elsewhere"))
    assert "same on CUDA (Fake GPU 80GB, torch 2.13.0+cu130)" in out and "out of date" not in out


def test_is_current_follows_the_source_and_the_files_it_read(site, tmp_path):
    snippet, _ = site
    snippet("reads", "print(open('data.txt').read())\n")
    script, data = tmp_path / "snippets" / "page" / "reads.py", tmp_path / "snippets" / "page" / "data.txt"
    data.write_text("one\n")
    key = cache.make_key(str(script), "cuda", ["snippets/page/data.txt"], tmp_path)
    record = {"key": {**key, "torch": "0.1", "executor": "x"}}
    assert cuda_records.is_current(record, str(script), tmp_path)
    data.write_text("two\n")
    assert not cuda_records.is_current(record, str(script), tmp_path)
    data.unlink()
    assert not cuda_records.is_current(record, str(script), tmp_path)
    assert not cuda_records.is_current({"key": {**key, "device": "cpu"}}, str(script), tmp_path)


def test_no_record_shows_only_the_cpu_output(site):
    snippet, render = site
    out = render(snippet("none", "print('cpu only')\n"))
    assert "cpu only" in out and "CUDA" not in out


def test_records_are_only_shown_beside_a_cpu_build(tmp_path):
    assert cuda_records.for_page(Settings(device="cuda", cuda_records=str(tmp_path)), "x.py") is None
    assert cuda_records.for_page(Settings(cuda_records=""), "x.py") is None


def test_check_lists_stale_and_missing(site, tmp_path, capsys):
    snippet, _ = site
    text = (
        snippet("fresh", "print(1)\n", cuda_output="1\n")
        + snippet("old", "print(2)\n", cuda_output="2\n", stale=True)
        + snippet("never", "print(3)\n")
    )
    (tmp_path / "docs" / "page.md").write_text(text)
    code = cuda_records.main(["--check", "--docs", "docs"])
    out = capsys.readouterr().out
    assert code == 1
    assert "stale: page/old.py" in out and "stale: page/fresh.py" not in out
    assert "3 snippets: 1 CUDA records current, 1 stale, 1 missing" in out


def test_check_passes_when_nothing_is_stale(site, tmp_path, capsys):
    snippet, _ = site
    (tmp_path / "docs" / "page.md").write_text(snippet("fresh", "print(1)\n", cuda_output="1\n") + snippet("never", "print(3)\n"))
    assert cuda_records.main(["--check", "--docs", "docs"]) == 0
    assert "2 snippets: 1 CUDA records current, 0 stale, 1 missing" in capsys.readouterr().out


def test_recording_needs_a_gpu(site, tmp_path, monkeypatch, capsys):
    snippet, _ = site
    (tmp_path / "docs" / "page.md").write_text(snippet("x", "print(1)\n"))
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert cuda_records.main(["--docs", "docs"]) == 2
    assert "no CUDA device here" in capsys.readouterr().err
