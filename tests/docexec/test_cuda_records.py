"""Recorded CUDA outputs, tested on CPU with fixture records: tabs, "same on CUDA", stale marking, the check."""

import json

import markdown
import pytest

from docexec import cache, cuda_records, results

FAKE = {"gpu": "Fake GPU 80GB", "torch": "2.13.0+cu130", "cuda": "13.0", "date": "2026-11-24"}


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "snippets" / "page").mkdir(parents=True)
    (tmp_path / "docs").mkdir()
    results.LEDGER.clear()

    def snippet(name, source, cuda_output=None, stale=False):
        path = tmp_path / "snippets" / "page" / f"{name}.py"
        path.write_text(source)
        if cuda_output is not None:
            key = cache.make_key(str(path), "cuda", [], tmp_path)
            key["torch"] = "2.13.0+cu130"  # the GPU machine's build; compared by public version
            if stale:
                key["source"] = "0" * 64
            target = cuda_records.record_path("recorded/cuda", str(path))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps({"snippet": f"page/{name}.py", "output": cuda_output, "key": key, **FAKE}))
        return f'```python exec\n--8<-- "page/{name}.py"\n```\n'

    def render(page):
        (tmp_path / "docs" / "page.md").write_text(page)
        md = markdown.Markdown(
            extensions=["admonition", "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.snippets", "docexec.extension"],
            extension_configs={
                "pymdownx.tabbed": {"alternate_style": True},
                "pymdownx.snippets": {"base_path": ["snippets"], "check_paths": True},
                "docexec.extension": {"cuda_records": "recorded/cuda", "cache_dir": ""},
            },
        )
        return md.convert(page)

    return snippet, render


def test_same_output_says_so(site):
    snippet, render = site
    out = render(snippet("same", "print(6 * 7)\n", cuda_output="42\n"))
    assert "Output · same on CUDA (Fake GPU 80GB)" in out
    assert "tabbed-set" not in out


def test_different_output_is_shown_in_labelled_tabs(site):
    snippet, render = site
    out = render(snippet("differs", "print('tensor([1.])')\n", cuda_output="tensor([1.], device='cuda:0')\n"))
    assert "tabbed-set" in out
    assert ">CPU</label>" in out and ">CUDA · Fake GPU 80GB</label>" in out
    assert "Output on CUDA (Fake GPU 80GB, torch 2.13.0+cu130, CUDA 13.0, recorded 2026-11-24)" in out
    assert "device=&#39;cuda:0&#39;" in out or "device='cuda:0'" in out


def test_stale_record_is_never_shown_as_current(site):
    snippet, render = site
    out = render(snippet("old", "print('new version')\n", cuda_output="OLD CUDA OUTPUT\n", stale=True))
    assert "OLD CUDA OUTPUT" not in out
    assert "Recorded CUDA output is out of date" in out and "new version" in out


def test_editing_a_snippet_makes_its_record_stale(site, tmp_path):
    snippet, render = site
    snippet("edited", "print(1)\n", cuda_output="1\n")
    (tmp_path / "snippets" / "page" / "edited.py").write_text("print(2)\n")
    out = render('```python exec\n--8<-- "page/edited.py"\n```\n')
    assert "out of date" in out and "same on CUDA" not in out


def test_no_record_shows_only_the_cpu_output(site):
    snippet, render = site
    out = render(snippet("none", "print('cpu only')\n"))
    assert "cpu only" in out and "CUDA" not in out


def test_check_lists_stale_and_missing(site, capsys):
    snippet, render = site
    text = (
        snippet("fresh", "print(1)\n", cuda_output="1\n")
        + snippet("old", "print(2)\n", cuda_output="2\n", stale=True)
        + snippet("never", "print(3)\n")
    )
    render(text)
    code = cuda_records.main(["--check", "--docs", "docs"])
    out = capsys.readouterr().out
    assert code == 1
    assert "stale: page/old.py" in out
    assert "3 snippets: 1 CUDA records current, 1 stale, 1 missing" in out


def test_recording_needs_a_gpu(site, monkeypatch, capsys):
    snippet, render = site
    render(snippet("x", "print(1)\n"))
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert cuda_records.main(["--docs", "docs"]) == 2
    assert "no CUDA device here" in capsys.readouterr().err
