"""CUDA outputs recorded on a GPU machine and kept in the repository (CI has no GPU).

    python -m docexec.cuda_records            # on a GPU machine: run every snippet on cuda, record it
    python -m docexec.cuda_records --check    # anywhere: list stale and missing records

One JSON file per snippet under ``recorded/cuda/``: the output the page would
show, the GPU name, torch and CUDA versions, the date, and the cache key of the
snippet version that produced it (the ``cuda`` device key of ``docexec.cache``).
A record whose key no longer matches the files is stale: the build never shows
it as current. Staleness is decided by the snippet's own source and the files it
read, not by the torch version: a record made with another torch (the GPU machine
may have its own) stays current, and its label on the page names that version.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

from docexec.cache import current_key, key_for_runs

DEVICE = "cuda"


def record_path(records_dir: str, snippet: str) -> Path:
    """``snippets/backward/x.py`` -> ``<records_dir>/backward/x.json``."""
    name = Path(snippet)
    return Path(records_dir) / name.parent.name / name.with_suffix(".json").name


def load(records_dir: str, snippet: str):
    try:
        return json.loads(record_path(records_dir, snippet).read_text())
    except (OSError, ValueError):
        return None


def for_page(settings, snippet: str):
    """The record shown beside a CPU build's output, if the site keeps records."""
    if not settings.cuda_records or settings.device != "cpu":
        return None
    return load(settings.cuda_records, snippet)


def _what_counts(key: dict) -> dict:
    return {part: key[part] for part in ("source", "deps", "device")}


def is_current(record: dict, snippet: str, root: Path) -> bool:
    now = current_key(snippet, DEVICE, record["key"], root)
    return now is not None and _what_counts(now) == _what_counts(record["key"])


def _site_jobs(docs: str, snippets: str):
    from docexec import fences, session
    from docexec.settings import Settings

    build = session.Session(Settings(docs_dir=docs, execute=False))
    resolve = fences.resolver(snippets)
    return [job for page in build.site_pages() for job in build.page_jobs(page, resolve)]


def record_all(jobs, records_dir: str, root: Path, timeout: float) -> int:
    import torch

    from docexec import judge
    from docexec.run import client

    if not torch.cuda.is_available():
        print("no CUDA device here: run this on a GPU machine", file=sys.stderr)
        return 2
    pool = client.get_pool(str(root), DEVICE, client.default_lanes(), 1_000_000)
    futures = [(job, pool.submit(job.file, job.path, job.directive.timeout or timeout)) for job in jobs]
    provenance = {
        "gpu": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "date": datetime.date.today().isoformat(),
    }
    for job, future in futures:
        runs = future.result()
        text = judge.judge(runs, job.directive, os.path.relpath(job.file))
        target = record_path(records_dir, job.file)
        target.parent.mkdir(parents=True, exist_ok=True)
        entry = {"snippet": job.path, "output": text, **provenance, "key": key_for_runs(job.file, DEVICE, runs, root)}
        target.write_text(json.dumps(entry, indent=1, sort_keys=True) + "\n")
        print(f"recorded {job.path}")
    return 0


def check_all(jobs, records_dir: str, root: Path) -> int:
    stale = [job.path for job in jobs if (r := load(records_dir, job.file)) and not is_current(r, job.file, root)]
    missing = [job.path for job in jobs if load(records_dir, job.file) is None]
    for path in stale:
        print(f"stale: {path}")
    print(f"{len(jobs)} snippets: {len(jobs) - len(stale) - len(missing)} CUDA records current, "
          f"{len(stale)} stale, {len(missing)} missing")
    return 1 if stale else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Record or check the CUDA outputs shown on the site.")
    parser.add_argument("--check", action="store_true", help="list stale and missing records; exit 1 if any is stale")
    parser.add_argument("--docs", default="docs")
    parser.add_argument("--snippets", default="snippets")
    parser.add_argument("--records", default="recorded/cuda")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args(argv)
    jobs = _site_jobs(args.docs, args.snippets)
    root = Path.cwd()
    if args.check:
        return check_all(jobs, args.records, root)
    return record_all(jobs, args.records, root, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
