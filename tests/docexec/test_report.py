"""docexec.report: the execution report, one row per exec fence of the site, from the
build's session; a snippet that may not be published is listed, not raised."""

import json
import time
from concurrent.futures import Future

import pytest

from docexec import cache, fences, report, session
from docexec.run import client
from docexec.run.result import RaisedError, RunResult
from docexec.settings import Settings


def runs(output="x\n", error=None, duration=0.25, peak=None):
    status = 1 if error else 0
    run = RunResult(output, status, time.time(), finished=True, error=error, duration=duration,
                    peak=peak or {"rss_bytes": 3 * 2**20})
    return [run, run]


class FakePool:
    def __init__(self, answers):
        self.answers = answers

    def submit(self, script, title, timeout):
        future = Future()
        future.set_result(self.answers[title])
        return future


@pytest.fixture
def site(tmp_path, monkeypatch):
    (tmp_path / "docs" / "about").mkdir(parents=True)
    (tmp_path / "snippets" / "page").mkdir(parents=True)
    for name in ("good", "bad"):
        (tmp_path / "snippets" / "page" / f"{name}.py").write_text(f"print('{name}')\n")
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "docs" / "page.md").write_text(
        '# Page\n\n```python exec\n--8<-- "page/good.py"\n```\n\n```python exec\n--8<-- "page/bad.py"\n```\n')
    (tmp_path / "docs" / "about" / "broken.md").write_text('# Broken\n\n--8<-- "page/gone.py"\n')
    answers = {"page/good.py": runs(peak={"rss_bytes": 3 * 2**20, "cuda_bytes": 2**20}),
               "page/bad.py": runs("Traceback ...\nValueError: no | way\n", RaisedError("ValueError", "builtins", "no | way", 1))}
    monkeypatch.setattr(client, "get_pool", lambda settings: FakePool(answers))
    return tmp_path


def table(root, **options):
    sess = session.Session(Settings(root=str(root), docs_dir="docs", **{"cache_dir": "", **options}))
    return report.table(sess, fences.resolver(root / "snippets"))


def test_one_row_per_snippet_and_one_per_page_that_cannot_be_built(site, capsys):
    lines = table(site)
    assert lines[0] == "**2 snippets on cpu: 2 ran in this build, 0 from the cache; 0.5 s of snippet run time.**"
    rows = [line for line in lines if line.startswith("| [")]
    assert rows[0] == "| [page.md](../page.md) | `page/good.py` | cpu | 250 ms | 3.0 MiB RSS, 1.0 MiB CUDA | ran |"
    assert rows[1].startswith("| [page.md](../page.md) | `page/bad.py` | cpu | 250 ms | 3.0 MiB RSS | **may not be published**: ")
    assert "raised ValueError: no \\| way" in rows[1]  # a | would end the cell
    assert rows[2].startswith("| [about/broken.md](../about/broken.md) | | | | | **cannot be built**: ")
    assert "snippet file 'page/gone.py' not found" in rows[2]
    assert len(rows) == 3
    assert "**May not be published** (each page shows why): `page/bad.py`, [about/broken.md](../about/broken.md)." in lines
    err = capsys.readouterr().err
    assert "docexec: 2 snippets on cpu: 2 ran in this build, 0 from the cache; 0.5 s of snippet run time" in err


def test_results_from_the_cache_are_marked_so(site):
    store = cache.ResultCache(str(site / "c"), str(site))
    good = str(site / "snippets" / "page" / "good.py")
    store.put(good, "cpu", runs(), cache.make_key(good, "cpu", [], site))
    lines = table(site, cache_dir="c")
    assert lines[0].startswith("**2 snippets on cpu: 1 ran in this build, 1 from the cache;")
    assert any(line.startswith("| [page.md](../page.md) | `page/good.py` |") and line.endswith("| cache |") for line in lines)


def test_records_not_shown_and_from_another_torch_are_noted(site, capsys):
    records = site / "recorded" / "cuda" / "page"
    records.mkdir(parents=True)
    for name, torch, stale in (("good", "2.11.0+cu130", False), ("bad", "2.13.0", True)):
        file = str(site / "snippets" / "page" / f"{name}.py")
        key = cache.make_key(file, "cuda", [], site)
        if stale:
            key["source"] = "0" * 64
        record = {"snippet": f"page/{name}.py", "output": "x\n", "key": key, "torch": torch, "gpu": "H200", "date": "d"}
        (records / f"{name}.json").write_text(json.dumps(record))
    lines = table(site, records="recorded")
    assert "**Recorded outputs not shown** on their pages: `page/bad.py` (CUDA: it came from an older version of the snippet)." in lines
    assert "**Recorded outputs from another torch version** (their tabs name it): 1 snippets." in lines
    assert "docexec: 1 recorded outputs not shown: `page/bad.py`" in capsys.readouterr().err


def test_with_execution_off_the_report_says_so(site):
    assert table(site, execute=False) == ["*Snippet execution is switched off for this build (`DOCEXEC_EXECUTE=0`).*"]


# -- in a real `mkdocs build` ---------------------------------------------------------


@pytest.mark.build
def test_the_execution_report_says_where_each_result_came_from(scratch_site):
    site = scratch_site()
    site.write("docs/about/execution.md", f"# Execution\n\n{report.REPORT_MARKER}\n")
    site.snippet("ok.py", "print('reported')\n")
    site.page("page", "ok.py")
    cold = site.build()
    assert cold.returncode == 0, cold.stderr
    assert "docexec: 1 snippets on cpu: 1 ran in this build, 0 from the cache" in cold.stderr
    page = site.html("about/execution")
    assert '<a href="../../page/">page.md</a>' in page  # a link MkDocs resolved to the page
    assert "<code>ok.py</code>" in page and "<td>ran</td>" in page
    warm = site.build()
    assert warm.returncode == 0, warm.stderr
    assert "docexec: 1 snippets on cpu: 0 ran in this build, 1 from the cache" in warm.stderr
    assert "<td>cache</td>" in site.html("about/execution")
    assert "reported" in site.html("page")
