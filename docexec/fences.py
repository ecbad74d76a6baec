"""Read a page's fences: the one place that knows how snippets are written on a page.

``scan`` checks every ``--8<--`` include (the file and the named section exist; no
line-number includes), rejects Python code pasted into a page (however the fence's
language is written: ```` ```Python ````, ```` ``` { .python } ````, ```` ~~~ipython ````),
parses each ``exec`` fence's options (``directive.py``) and returns the page with a
marker line under each exec fence, plus the jobs to run. ``whole_file`` is a
snippet file as pymdownx.snippets pastes it whole (its section markers dropped), and
``resolver`` finds an include's file as it does, given its base path.
No MkDocs, no running: the extension, the notebook generator, the CUDA records and
the tests all use it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from docexec import directive
from docexec.errors import PageError

INCLUDE = re.compile(r'^(?P<indent>[ \t]*)-{1,}8<-{1,}[ \t]+"(?P<target>[^"]+)"[ \t]*$')
SECTION_START = "--8<-- [start:{}]"
# A section's start or end marker, anywhere on a line: pymdownx.snippets drops such lines from a whole file.
SECTION_MARKER = re.compile(
    r"(?<!;)-{1,}8<-{1,}[ \t]+\[[ \t]*(?:start|end)[ \t]*:[ \t]*[a-z][-_0-9a-z]*[ \t]*\]", re.I
)
MARKER = re.compile(r"^(?P<indent>[ \t]*)@@docexec-output-(?P<index>\d+)@@$")

Resolve = Callable[[str], Optional[str]]  # an include as written -> its file, or None


def resolver(folder: str | os.PathLike) -> Resolve:
    """How pymdownx.snippets finds an include with ``folder`` as its one base path: the
    file's absolute path, or None. For what reads pages outside a Markdown build (the
    notebook generator, the CUDA records, the tests); the extension asks pymdownx.snippets'
    own configuration instead."""

    def resolve(path: str) -> Optional[str]:
        file = Path(folder) / path
        return str(file.resolve()) if file.is_file() else None

    return resolve


@dataclass(frozen=True)
class Job:
    path: str  # as written in the include, relative to the snippets base path (the block's title)
    file: str  # the resolved file on disk
    directive: directive.Directive
    line: int  # 1-based line of the fence on the page


def whole_file(text: str) -> str:
    """A snippet file's text as pymdownx.snippets pastes the whole file: the lines that
    hold a section marker are dropped, every other line is kept as it is."""
    return "".join(line for line in text.splitlines(keepends=True) if not SECTION_MARKER.search(line))


def check_include(line: str, index: int, resolve: Resolve):
    """The include on ``line`` (checked), or None when the line is no include."""
    match = INCLUDE.match(line)
    if not match or match["target"].startswith(";"):
        return match
    target = match["target"]
    path, _, section = target.partition(":")
    if re.fullmatch(r"[\d:,-]+", section or "x"):
        raise PageError(f"line {index + 1}: {target!r} includes by line numbers; use a named section")
    file = resolve(path)
    if file is None:
        raise PageError(f"line {index + 1}: snippet file {path!r} not found")
    if section:
        with open(file, encoding="utf-8") as handle:
            if SECTION_START.format(section) not in handle.read():
                raise PageError(f"line {index + 1}: section {section!r} not found in snippet file {file}")
    return match


def exec_target(body: list[str], info: str, line: int, resolve: Resolve) -> tuple[str, str, directive.Directive]:
    """(include target, resolved file, options) of an exec fence; the one-whole-file rule."""
    try:
        parsed = directive.parse(info)
    except directive.DirectiveError as exc:
        raise PageError(f"line {line}: {exc}") from None
    lines = [text for text in body if text.strip()]
    match = INCLUDE.match(lines[0]) if len(lines) == 1 else None
    if not match:
        raise PageError(f"line {line}: an exec fence must hold exactly one --8<-- include")
    if ":" in match["target"]:
        raise PageError(f"line {line}: exec runs whole files; {match['target']!r} names a section")
    file = resolve(match["target"])
    if file is None:
        raise PageError(f"line {line}: snippet file {match['target']!r} not found")
    return match["target"], file, parsed


def scan(lines: list[str], resolve: Resolve) -> tuple[list[str], list[Job]]:
    """Check the page; return its lines with exec fences marked, and the jobs to run."""
    out: list[str] = []
    jobs: list[Job] = []
    i = 0
    while i < len(lines):
        opened = directive.FENCE.match(lines[i])
        if not opened:
            check_include(lines[i], i, resolve)
            out.append(lines[i])
            i += 1
            continue
        try:
            end = directive.closing_line(lines, i, opened["fence"])
        except directive.DirectiveError as exc:
            raise PageError(str(exc)) from None
        body, info = lines[i + 1 : end], opened["info"]
        includes = [check_include(line, i + 1 + k, resolve) for k, line in enumerate(body)]
        if directive.is_python(info) and (not body or not all(includes)):
            raise PageError(
                f"line {i + 1}: a ```{directive.language(info)} fence must hold only --8<-- includes of files in "
                "snippets/; code pasted into Markdown is never run or tested"
            )
        if directive.is_exec(info):
            target, file, parsed = exec_target(body, info, i + 1, resolve)
            jobs.append(Job(target, file, parsed, i + 1))
            indent, fence = opened["indent"], opened["fence"]
            include = next(line for line in body if line.strip())
            out += [f'{indent}{fence}python title="{target}"', include, f"{indent}{fence}", "",
                    f"{indent}@@docexec-output-{len(jobs) - 1}@@", ""]
        else:
            out.extend(lines[i : end + 1])
        i = end + 1
    return out, jobs


def site_pages(docs_dir: str | os.PathLike) -> list[Path]:
    """Every Markdown page under ``docs_dir`` in the order MkDocs builds them (a folder's
    index first, then by name), so the workers run the page the build is rendering first."""
    found = Path(docs_dir).rglob("*.md") if docs_dir else []
    return sorted(found, key=lambda p: (p.parent.parts, p.name not in ("index.md", "README.md"), p.name))


def page_jobs(page: Path, resolve: Resolve) -> list[Job]:
    """The exec fences of one page file; a page that cannot be read as written is a
    ``PageError`` naming it."""
    try:
        return scan(page.read_text(encoding="utf-8").split("\n"), resolve)[1]
    except PageError as exc:
        raise PageError(f"{page}: {exc}") from None
