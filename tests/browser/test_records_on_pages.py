"""The GPU records on the built pages: every record that may be shown is there, under a tab
named after the record when it differs from the CPU output, and with its version note.

Checks on the built HTML, against the records themselves and the build's own CPU
results (docexec's cache of that build): no browser needed.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
import yaml

from docexec import devices, fences, judge, paths, records
from docexec.cache import torch_version
from docexec.run.result import RunResult

from .conftest import DOCS, ROOT, SNIPPETS, html_file

CUDA = devices.get("cuda")
pytestmark = pytest.mark.site


def expected(site):
    """Per page: the tab labels, "same on" titles and version notes the records call for."""
    cache = site.dir.parent / f"{site.dir.name}-docexec-cache" / "cpu"
    notes = yaml.safe_load((ROOT / "recorded" / "cuda" / records.NOTES).read_text())
    resolve = fences.resolver(SNIPPETS)
    pages = {}
    for page in fences.site_pages(DOCS):
        want = pages.setdefault(page, {"tabs": Counter(), "same": Counter(), "notes": 0, "refused": 0})
        for job in fences.page_jobs(page, resolve):
            record = records.load(str(ROOT / "recorded"), "cuda", job.file)
            if record is None or job.directive.output != "text":
                continue
            if records.refusal(record, job.directive, job.file, ROOT):
                want["refused"] += 1
                continue
            runs = [RunResult.from_json(run) for run in json.loads((cache / "snippets" / job.title).with_suffix(".json").read_text())["runs"]]
            shown = records.Shown(CUDA, record, job.title, None)  # as the page shows it (a moved snippet's new title)
            cpu, cuda = judge.shown(runs[0]), paths.shorten_library(shown.output)
            if cpu == cuda:
                want["same"][CUDA.tab(record)] += 1
                continue
            want["tabs"][CUDA.tab(record)] += 1
            other_torch = record["torch"].split("+")[0] != torch_version().split("+")[0]
            only_lines = paths.without_library_lines(cpu) == paths.without_library_lines(cuda)
            want["notes"] += other_torch and (job.title in notes or only_lines)
    return pages


def test_every_shown_record_is_on_its_page_named_after_it(site):
    pages = expected(site)
    assert sum(sum(want["tabs"].values()) for want in pages.values()) > 40  # the H200 run differs on dozens
    for page, want in pages.items():
        url = page.relative_to(DOCS).with_suffix("").as_posix()
        url = "" if url == "index" else url.removesuffix("/index") + "/"
        html = html_file(site.dir, url).read_text(encoding="utf-8")
        for label, count in want["tabs"].items():
            assert html.count(f">{label}</label>") == count, f"{page.name}: tabs labelled {label!r}"
        for label, count in want["same"].items():
            assert html.count(f" · same on {label}</span>") == count, f"{page.name}: 'same on {label}'"
        assert html.count('class="docexec-note"') == want["notes"], f"{page.name}: version notes"
        assert html.count("Recorded CUDA output not shown") == want["refused"], f"{page.name}: records not shown"


def test_every_note_is_about_a_record_that_differs(site):
    """A note in differences.yml must explain a real difference, or it is stale."""
    notes = yaml.safe_load((ROOT / "recorded" / "cuda" / records.NOTES).read_text())
    cache = site.dir.parent / f"{site.dir.name}-docexec-cache" / "cpu" / "snippets"
    for snippet in notes:
        record = records.load(str(ROOT / "recorded"), "cuda", str(SNIPPETS / snippet))
        assert record is not None, f"{snippet}: no record"
        runs = [RunResult.from_json(run) for run in json.loads((cache / snippet).with_suffix(".json").read_text())["runs"]]
        shown = records.Shown(CUDA, record, snippet, None)
        assert judge.shown(runs[0]) != paths.shorten_library(shown.output), f"{snippet}: its record is the same"
