"""The execution report: every snippet shown on the site, and where its result came from.

A page holding the line ``<!-- docexec:report -->`` gets a table of every exec fence
on every page: page, snippet, device, run time, peak memory, and whether this build
ran it or took it from the cache. Building the table obtains and judges a result for
each one, so a snippet shown with no valid result fails the build here too. A
one-line summary goes to stderr. It reads the build's ``Session``: no extension.
"""

from __future__ import annotations

import os
import sys

from docexec import devices, judge, records
from docexec.cache import torch_version

MARKER = "<!-- docexec:report -->"


def _memory(peak: dict) -> str:
    parts = [f"{peak.get('rss_bytes', 0) / 2**20:.1f} MiB RSS"]
    for device in devices.DEVICES.values():
        if f"{device.name}_bytes" in peak:
            parts.append(f"{peak[f'{device.name}_bytes'] / 2**20:.1f} MiB {device.label}")
    return ", ".join(parts)


def render(session, resolve) -> list[str]:
    settings = session.settings
    if not settings.execute:
        return ["*Snippet execution is switched off for this build (`DOCEXEC_EXECUTE=0`).*"]
    rows, ran, total_time, refused, other_torch = [], 0, 0.0, [], []
    for page in session.site_pages():
        for job in session.page_jobs(page, resolve):
            record = session.obtain(job)
            judge.judge(record.runs, job.directive, os.path.relpath(job.file))  # raises if it may not be shown
            ran += not record.cached
            total_time += record.duration
            for item in records.for_fence(settings, job, session.root):
                if item.refused:
                    refused.append(f"`{job.path}` ({item.device.label}: {item.refused.split(':')[0]})")
                elif item.record["torch"].split("+")[0] != torch_version().split("+")[0]:
                    other_torch.append(f"`{job.path}` ({item.device.tab(item.record)})")
            link = os.path.relpath(page, settings.docs_dir).replace(os.sep, "/")
            rows.append(
                f"| [{link}](../{link}) | `{job.path}` | {settings.device} | {record.duration * 1000:.0f} ms "
                f"| {_memory(record.peak)} | {'cache' if record.cached else 'ran'} |"
            )
    summary = (
        f"{len(rows)} snippets on {settings.device}: {ran} ran in this build, {len(rows) - ran} from the cache; "
        f"{total_time:.1f} s of snippet run time"
    )
    print(f"docexec: {summary}", file=sys.stderr)
    notes = []
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
