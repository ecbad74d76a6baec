"""The execution report: every snippet shown on the site, and where its result came from.

A page holding the line ``<!-- docexec:report -->`` gets a table of every exec fence
on every page: page, snippet, device, run time, peak memory, and whether this build
ran it, took it from the cache, or may not publish it. A one-line summary goes to
stderr. It reads the build's ``Session``: no extension.
"""

from __future__ import annotations

import sys

from docexec import devices, judge, records
from docexec.cache import torch_version
from docexec.errors import PageError, SnippetError

REPORT_MARKER = "<!-- docexec:report -->"


def _memory(peak: dict) -> str:
    parts = [f"{peak.get('rss_bytes', 0) / 2**20:.1f} MiB RSS"]
    for device in devices.DEVICES.values():
        if f"{device.name}_bytes" in peak:
            parts.append(f"{peak[f'{device.name}_bytes'] / 2**20:.1f} MiB {device.label}")
    return ", ".join(parts)


def table(session, resolve) -> list[str]:
    """The report's Markdown: a summary line, notes on records, and one row per snippet.
    A snippet that may not be published is listed as such (its page shows why)."""
    settings = session.settings
    if not settings.execute:
        return ["*Snippet execution is switched off for this build (`DOCEXEC_EXECUTE=0`).*"]
    rows, snippets, ran, total_time, refused, other_torch, failing = [], 0, 0, 0.0, [], [], []
    docs = settings.path("docs_dir")
    for page in session.site_pages():
        link = page.relative_to(docs).as_posix()
        try:
            jobs = session.page_jobs(page, resolve)
        except PageError as exc:
            failing.append(f"[{link}](../{link})")
            rows.append(f"| [{link}](../{link}) | | | | | **cannot be built**: {_cell(str(exc))} |")
            continue
        for job in jobs:
            record = session.obtain(job)
            try:
                judge.verdict(record.runs, job.directive, job.title)
                state = "cache" if record.cached else "ran"
            except SnippetError as exc:
                failing.append(f"`{job.title}`")
                state = f"**may not be published**: {_cell(str(exc))}"
            snippets += 1
            ran += not record.cached
            total_time += record.duration
            for item in records.for_fence(settings, job, session.hashes):
                if item.refused:
                    refused.append(f"`{job.title}` ({item.device.label}: {item.refused.split(':')[0]})")
                elif item.record["torch"].split("+")[0] != torch_version().split("+")[0]:
                    other_torch.append(f"`{job.title}` ({item.device.tab(item.record)})")
            rows.append(
                f"| [{link}](../{link}) | `{job.title}` | {settings.device} | {record.duration * 1000:.0f} ms "
                f"| {_memory(record.peak)} | {state} |"
            )
    summary = (
        f"{snippets} snippets on {settings.device}: {ran} ran in this build, {snippets - ran} from the cache; "
        f"{total_time:.1f} s of snippet run time"
    )
    print(f"docexec: {summary}", file=sys.stderr)
    notes = []
    if failing:
        notes += [f"**May not be published** (each page shows why): {', '.join(failing)}.", ""]
    if refused:
        print(f"docexec: {len(refused)} recorded outputs not shown: {', '.join(refused)}", file=sys.stderr)
        notes += [f"**Recorded outputs not shown** on their pages: {', '.join(refused)}.", ""]
    if other_torch:
        notes += [f"**Recorded outputs from another torch version** (their tabs name it): {len(other_torch)} snippets.", ""]
    return [
        f"**{summary}.**",
        "",
        *notes,
        "| Page | Snippet | Device | Run time | Peak memory | This build |",
        "| --- | --- | --- | ---: | ---: | --- |",
        *rows,
    ]


def _cell(message: str) -> str:
    """The first line of a message, safe in a Markdown table cell."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    return first.replace("|", "\\|").replace("`", "'")[:200]
