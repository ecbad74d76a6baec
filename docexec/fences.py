"""Read a page's fences: the one place that knows how snippets are written on a page.

``walk`` is the one lexer: it goes through a page's lines once and yields each line
outside a fence as it is, and each fenced block as a ``Fence``, with its
``--8<--`` includes checked (the file and the named section exist; no line-number
includes) and, for an ``exec`` fence, its ``Job``: the snippet to run and the
fence's options (``directive.py``). Python code pasted into a page is rejected however
the fence's language is written (```` ```Python ````, ```` ``` { .python } ````,
```` ~~~ipython ````). Everything that reads pages uses it: ``mark_outputs`` (the
extension: the page with a placeholder under each exec fence), ``page_jobs``
(the session, the records, the tests), the notebook generator.

``whole_file`` is a snippet file as pymdownx.snippets pastes it whole (its section
markers dropped), and ``resolver`` finds an include's file as it does, given its base
path. No MkDocs, no running.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional, Union

from docexec import directive
from docexec.errors import PageError

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>.*)$")
INCLUDE = re.compile(r'^(?P<indent>[ \t]*)-{1,}8<-{1,}[ \t]+"(?P<target>[^"]+)"[ \t]*$')
SECTION_START = "--8<-- [start:{}]"
# A section's start or end marker, anywhere on a line: pymdownx.snippets drops such lines from a whole file.
SECTION_MARKER = re.compile(
    r"(?<!;)-{1,}8<-{1,}[ \t]+\[[ \t]*(?:start|end)[ \t]*:[ \t]*[a-z][-_0-9a-z]*[ \t]*\]", re.I
)
# The line the extension leaves under an exec fence, replaced by the output once the page is converted.
OUTPUT_PLACEHOLDER = re.compile(r"^(?P<indent>[ \t]*)@@docexec-output-(?P<index>\d+)@@$")

Resolve = Callable[[str], Optional[str]]  # an include as written -> its file, or None


def resolver(folder: str | os.PathLike) -> Resolve:
    """How pymdownx.snippets finds an include with ``folder`` as its one base path: the
    file's absolute path, or None. For what reads pages outside a Markdown build (the
    notebook generator, the records, the tests); the extension asks pymdownx.snippets'
    own configuration instead."""

    def resolve(path: str) -> Optional[str]:
        file = Path(folder) / path
        return str(file.resolve()) if file.is_file() else None

    return resolve


@dataclass(frozen=True)
class Job:
    """One exec fence: what to run and how it must end."""

    title: str  # the include as written, relative to the snippets base path: the block's title ("backward/x.py")
    file: str  # that file on disk
    directive: directive.Directive
    line: int  # 1-based line of the fence on the page


@dataclass(frozen=True)
class Fence:
    start: int  # 0-based index of the opening line
    end: int  # 0-based index of the closing line
    indent: str
    marks: str  # ``` or ~~~ (as many as opened it)
    info: str  # what follows the marks: language and options
    body: list[str]
    job: Optional[Job]  # for an exec fence


def closing_line(lines: list[str], start: int, marks: str) -> int:
    """Index of the line that closes the fence opened with ``marks`` at ``start``."""
    close = re.compile(r"^[ \t]*" + re.escape(marks[0]) + "{" + str(len(marks)) + r",}[ \t]*$")
    for end in range(start + 1, len(lines)):
        if close.match(lines[end]):
            return end
    raise PageError(f"line {start + 1}: code fence {marks!r} is never closed", start + 1)


def whole_file(text: str) -> str:
    """A snippet file's text as pymdownx.snippets pastes the whole file: the lines that
    hold a section marker are dropped, every other line is kept as it is."""
    return "".join(line for line in text.splitlines(keepends=True) if not SECTION_MARKER.search(line))


def check_include(line: str, index: int, resolve: Resolve) -> Optional[re.Match]:
    """The include on ``line`` (checked), or None when the line is no include."""
    match = INCLUDE.match(line)
    if not match or match["target"].startswith(";"):
        return match
    target = match["target"]
    path, _, section = target.partition(":")
    if re.fullmatch(r"[\d:,-]+", section or "x"):
        raise PageError(f"line {index + 1}: {target!r} includes by line numbers; use a named section", index + 1)
    file = resolve(path)
    if file is None:
        raise PageError(f"line {index + 1}: snippet file {path!r} not found", index + 1)
    if section:
        with open(file, encoding="utf-8") as handle:
            if SECTION_START.format(section) not in handle.read():
                raise PageError(f"line {index + 1}: section {section!r} not found in snippet file {file}", index + 1)
    return match


def _job(body: list[str], info: str, line: int, resolve: Resolve) -> Job:
    """An exec fence's job: its options, and its one include of a whole file."""
    try:
        parsed = directive.parse(info)
    except directive.DirectiveError as exc:
        raise PageError(f"line {line}: {exc}", line) from None
    lines = [text for text in body if text.strip()]
    match = INCLUDE.match(lines[0]) if len(lines) == 1 else None
    if not match:
        raise PageError(f"line {line}: an exec fence must hold exactly one --8<-- include", line)
    if ":" in match["target"]:
        raise PageError(f"line {line}: exec runs whole files; {match['target']!r} names a section", line)
    file = resolve(match["target"])
    if file is None:
        raise PageError(f"line {line}: snippet file {match['target']!r} not found", line)
    return Job(match["target"], file, parsed, line)


def walk(lines: list[str], resolve: Resolve) -> Iterator[Union[tuple[int, str], Fence]]:
    """The page in order: ``(index, line)`` for a line outside any fence (its includes
    checked), a ``Fence`` for each fenced block. Raises ``PageError`` naming the line."""
    i = 0
    while i < len(lines):
        opened = FENCE.match(lines[i])
        if not opened:
            check_include(lines[i], i, resolve)
            yield i, lines[i]
            i += 1
            continue
        end = closing_line(lines, i, opened["fence"])
        body, info = lines[i + 1 : end], opened["info"]
        includes = [check_include(line, i + 1 + k, resolve) for k, line in enumerate(body)]
        if directive.is_python(info) and (not body or not all(includes)):
            raise PageError(
                f"line {i + 1}: a ```{directive.language(info)} fence must hold only --8<-- includes of files in "
                "snippets/; code pasted into Markdown is never run or tested", i + 1,
            )
        job = _job(body, info, i + 1, resolve) if directive.is_exec(info) else None
        yield Fence(i, end, opened["indent"], opened["fence"], info, body, job)
        i = end + 1


def fence_around(lines: list[str], line: int) -> tuple[int, int]:
    """The 0-based (first, last) indexes of the fenced block that holds 1-based ``line``
    (the block runs to the page's end when never closed), or of that line alone."""
    i = 0
    while i < len(lines) and i < line:
        opened = FENCE.match(lines[i])
        if opened:
            try:
                end = closing_line(lines, i, opened["fence"])
            except PageError:
                end = len(lines) - 1
            if i <= line - 1 <= end:
                return i, end
            i = end
        i += 1
    return line - 1, line - 1


def mark_outputs(lines: list[str], resolve: Resolve) -> tuple[list[str], list[Job]]:
    """The page with each exec fence as a plain titled code block and a placeholder line
    under it (``OUTPUT_PLACEHOLDER``, numbered by the job's index); and the jobs."""
    out: list[str] = []
    jobs: list[Job] = []
    for block in walk(lines, resolve):
        if not isinstance(block, Fence):
            out.append(block[1])
        elif block.job is None:
            out.extend(lines[block.start : block.end + 1])
        else:
            jobs.append(block.job)
            include = next(line for line in block.body if line.strip())
            out += [f'{block.indent}{block.marks}python title="{block.job.title}"', include, f"{block.indent}{block.marks}",
                    "", f"{block.indent}@@docexec-output-{len(jobs) - 1}@@", ""]
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
        lines = page.read_text(encoding="utf-8").split("\n")
        return [block.job for block in walk(lines, resolve) if isinstance(block, Fence) and block.job]
    except PageError as exc:
        raise PageError(f"{page}: {exc}", exc.line) from None
