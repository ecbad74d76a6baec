"""Outputs recorded on a machine with a device the build machine lacks (CI has no GPU).

    python -m docexec.cuda_records            # on a GPU machine: run every snippet on cuda, record it
    python -m docexec.cuda_records --check    # anywhere: list stale, refused and missing records

One JSON file per snippet under ``<records>/<device>/<page>/<name>.json``: the output
the page would show, how the run ended (exit status; the error's type, message and
line), where it was made (``devices.Device.describe``: for CUDA the GPU's name and the
CUDA version), the torch version, the date, and the cache key of the snippet version that
produced it (``cache.make_key`` for that device).

A build shows a record beside its own output only if

- it is **current**: its key matches the files as they are now (the snippet's source and
  the files it read; not the torch version, which a GPU machine may have its own of,
  and which the tab names), and
- it **ends as the fence says**: the same judge as a build's own runs (``judge.check_error``):
  no error unless declared, and a declared one of the right type whose message matches
  ``match=``.

Otherwise the page says why it is not shown, and the execution report lists it.
Recording judges every run the same way, keeps going past a failure, writes no record
for a failed snippet, and lists the failures at the end.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from docexec import devices, fences, judge
from docexec.cache import current_key, file_hash, key_for_runs
from docexec.errors import SnippetError
from docexec.run.result import RaisedError

EXCEPTION_LINE = re.compile(r"^(?P<name>[A-Za-z_][\w.]*)(?::[ ](?P<message>.*))?$")


def record_path(folder: str, device: str, snippet: str) -> Path:
    """``snippets/backward/x.py`` -> ``<folder>/<device>/backward/x.json``."""
    name = Path(snippet)
    return Path(folder) / device / name.parent.name / name.with_suffix(".json").name


def load(folder: str, device: str, snippet: str) -> Optional[dict]:
    try:
        return json.loads(record_path(folder, device, snippet).read_text())
    except (OSError, ValueError):
        return None


def _what_counts(key: dict) -> dict:
    return {part: key[part] for part in ("source", "deps", "device")}


def is_current(record: dict, snippet: str, root: Path, hashes=file_hash) -> bool:
    now = current_key(snippet, record["key"]["device"], record["key"], root, hashes)
    return now is not None and _what_counts(now) == _what_counts(record["key"])


def error_of(record: dict) -> Optional[RaisedError]:
    """How the recorded run ended: the record's own ``error``, or, for a record made before
    records kept it, the exception a traceback at the end of its output names."""
    if "error" in record:
        return RaisedError(**record["error"]) if record["error"] else None
    lines = record["output"].rstrip("\n").split("\n")
    starts = [i for i, line in enumerate(lines) if line == "Traceback (most recent call last):"]
    if not starts:
        return None
    for i in range(starts[-1] + 1, len(lines)):
        found = EXCEPTION_LINE.match(lines[i])
        if found and not lines[i].startswith(" "):
            name = found["name"]
            module, _, short = name.rpartition(".")
            message = "\n".join([found["message"] or "", *lines[i + 1 :]])
            return RaisedError(short, module or "builtins", message, None)
    return None


def refusal(record: dict, directive, snippet: str, root: Path, hashes=file_hash) -> Optional[str]:
    """Why the record may not be shown beside this fence's output; None if it may."""
    if not is_current(record, snippet, root, hashes):
        return "it came from an older version of the snippet"
    error = error_of(record)
    status = record.get("status", 1 if error else 0)
    try:
        judge.check_error(error, status, directive, record["snippet"])
    except SnippetError as exc:
        return f"it does not end as the fence declares: {exc}"
    return None


NOTES = "differences.yml"  # in a device's folder: snippet -> why its record differs for a reason other than the device


def notes(folder: str) -> dict:
    """``{device: {snippet: note}}``: what maintainers wrote in each device folder's
    ``differences.yml`` about records that differ from the build's output because of the
    torch version they were made with, not the device."""
    import yaml

    found = {}
    for device in devices.DEVICES:
        try:
            text = (Path(folder) / device / NOTES).read_text(encoding="utf-8")
        except OSError:
            continue
        found[device] = yaml.safe_load(text) or {}
    return found


@dataclass(frozen=True)
class Shown:
    """A record beside a build's output: its device, the record, the snippet's title now,
    and why the record is not shown (if not)."""

    device: devices.Device
    record: dict
    title: str
    refused: Optional[str]

    @property
    def output(self) -> str:
        """What it printed. A record of a snippet that has since moved (same source, another
        folder) printed its old title where Python prints the program's path; that path is
        the title by the first path rule (``paths.py``), so it reads as the title now."""
        old = self.record["snippet"]
        return self.record["output"] if old == self.title else self.record["output"].replace(old, self.title)


def for_fence(settings, job, hashes=file_hash) -> list[Shown]:
    """The records of the other devices for ``job``, each judged."""
    folder = settings.path("records")
    if folder is None:
        return []
    found = []
    for device in devices.recorded(settings.device):
        record = load(str(folder), device.name, job.file)
        if record is not None:
            found.append(Shown(device, record, job.title, refusal(record, job.directive, job.file, settings.base, hashes)))
    return found


def site_jobs(settings) -> list:
    """Every exec fence of the site's pages (``docs_dir``, snippets under ``snippets``)."""
    resolve = fences.resolver(settings.path("snippets"))
    return [job for page in fences.site_pages(settings.path("docs_dir")) for job in fences.page_jobs(page, resolve)]


def record_all(settings, device: devices.Device) -> int:
    """Run every snippet of the site on ``device`` and record it; 0 if every one recorded,
    1 if any failed, 2 if this machine has no such device."""
    import torch

    from docexec.run import client

    if not device.available(torch):
        print(f"no {device.label} device here: run this on a machine that has one", file=sys.stderr)
        return 2
    jobs, root, folder = site_jobs(settings), settings.base, str(settings.path("records"))
    pool = client.get_pool(dataclasses.replace(settings, device=device.name, keep_warm=False))
    futures = [(job, pool.submit(job.file, job.title, settings.timeout_for(job.directive))) for job in jobs]
    made = {"torch": torch.__version__, "date": datetime.date.today().isoformat(), **device.describe(torch)}
    failed = []
    for job, future in futures:
        try:
            runs = future.result()
            text = judge.verdict(runs, job.directive, job.title).text
        except SnippetError as exc:
            failed.append(f"{job.title}: {exc}")
            print(f"FAILED {job.title}", flush=True)
            continue
        error = runs[0].error
        entry = {
            "snippet": job.title, "output": text, **made, "status": runs[0].status,
            "error": dataclasses.asdict(error) if error else None,
            "key": key_for_runs(job.file, device.name, runs, root),
        }
        target = record_path(folder, device.name, job.file)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(entry, indent=1, sort_keys=True) + "\n")
        print(f"recorded {job.title}", flush=True)
    print(f"{len(jobs) - len(failed)} of {len(jobs)} snippets recorded on {device.label}")
    if failed:
        print("failed:\n" + "\n\n".join(failed))
    return 1 if failed else 0


def check_all(settings, device: devices.Device) -> int:
    jobs, root, folder = site_jobs(settings), settings.base, str(settings.path("records"))
    stale, refused, missing = [], [], []
    for job in jobs:
        record = load(folder, device.name, job.file)
        if record is None:
            missing.append(job.title)
        elif not is_current(record, job.file, root):
            stale.append(job.title)
        elif (why := refusal(record, job.directive, job.file, root)) is not None:
            refused.append(f"{job.title}: {why}")
    for path in stale:
        print(f"stale: {path}")
    for line in refused:
        print(f"refused: {line}")
    print(f"{len(jobs)} snippets: {len(jobs) - len(stale) - len(refused) - len(missing)} {device.label} records current, "
          f"{len(stale)} stale, {len(refused)} refused, {len(missing)} missing")
    return 1 if stale or refused else 0


def main(argv=None) -> int:
    from docexec.settings import Settings

    parser = argparse.ArgumentParser(description="Record or check the outputs of a device the build machine lacks.")
    parser.add_argument("--check", action="store_true", help="list stale, refused and missing records; exit 1 if any")
    parser.add_argument("--device", default="cuda", choices=[d for d in devices.DEVICES if d != "cpu"])
    parser.add_argument("--config", default="mkdocs.yml", help="the site's mkdocs.yml (default: ./mkdocs.yml)")
    args = parser.parse_args(argv)
    settings = Settings.from_mkdocs_yml(args.config)
    settings = dataclasses.replace(settings, docs_dir=settings.docs_dir or "docs", records=settings.records or "recorded")
    device = devices.get(args.device)
    return check_all(settings, device) if args.check else record_all(settings, device)
