"""The execution report: every snippet shown on the site, and where its result came from.

A page holding the line ``<!-- docexec:report -->`` gets a table of every exec
fence on every page: page, snippet, device, run time, peak memory, and whether
this build ran it or took it from the cache. Building the table obtains a
result for each one, so a snippet shown with no valid result fails the build
here too (the "did it really run" guard). A one-line summary goes to stderr.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from docexec import cuda_records, results

MARKER = "<!-- docexec:report -->"


def _memory(peak: dict) -> str:
    parts = [f"{peak.get('rss_bytes', 0) / 2**20:.1f} MiB RSS"]
    if "cuda_bytes" in peak:
        parts.append(f"{peak['cuda_bytes'] / 2**20:.1f} MiB CUDA")
    return ", ".join(parts)


def render(ext) -> list[str]:
    if not ext.getConfig("execute"):
        return ["*Snippet execution is switched off for this build (`DOCEXEC_EXECUTE=0`).*"]
    docs = Path(ext.getConfig("docs_dir"))
    rows, ran, total_time, stale = [], 0, 0.0, []
    for page in ext.site_pages():
        for job in ext.scan_page(str(page)):
            ext.execute(job)  # obtains and checks the result, raising if there is none or it is wrong
            record = results.LEDGER[(job.file, ext.device())]
            ran += not record.cached
            total_time += record.duration
            cuda = ext.cuda_record(job)
            if cuda and not cuda_records.is_current(cuda, job.file, Path.cwd()):
                stale.append(job.path)
            link = os.path.relpath(page, docs).replace(os.sep, "/")
            rows.append(
                f"| [{link}](../{link}) | `{job.path}` | {ext.device()} | {record.duration * 1000:.0f} ms "
                f"| {_memory(record.peak)} | {'cache' if record.cached else 'ran'} |"
            )
    summary = (
        f"{len(rows)} snippets on {ext.device()}: {ran} ran in this build, {len(rows) - ran} from the cache; "
        f"{total_time:.1f} s of snippet run time"
    )
    print(f"docexec: {summary}", file=sys.stderr)
    if stale:
        print(f"docexec: {len(stale)} stale CUDA records: {', '.join(stale)}", file=sys.stderr)
    results.reset()
    stale_lines = [f"**Stale CUDA records** (not shown on their pages): {', '.join(f'`{s}`' for s in stale)}.", ""]
    return [
        f"**{summary}.**",
        "",
        *(stale_lines if stale else []),
        "| Page | Snippet | Device | Run time | Peak memory | This build |",
        "| --- | --- | --- | ---: | ---: | --- |",
        *rows,
    ]



