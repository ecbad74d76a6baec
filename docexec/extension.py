"""The Python-Markdown extension that executes ``exec`` fences.

It is a pair of preprocessors around pymdownx.snippets (priority 32), so it
works wherever Python-Markdown extensions do (MkDocs, Zensical), with no MkDocs
hooks:

1. ``IncludeCheck`` (33, before snippets) checks every ``--8<--`` include on
   the page, rejects Python code pasted by hand, parses ``exec`` fences, and
   leaves a marker line under each one.
2. ``OutputWriter`` (31, after snippets) runs each marked file in the worker
   and replaces the marker with an escaped output block.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path
from dataclasses import dataclass

from markdown import Extension
from markdown.preprocessors import Preprocessor

from docexec import check, cuda_records, directive, notebook, report, results

INCLUDE = re.compile(r'^(?P<indent>[ \t]*)-{1,}8<-{1,}[ \t]+"(?P<target>[^"]+)"[ \t]*$')
SECTION_START = '--8<-- [start:{}]'
MARKER = re.compile(r"^(?P<indent>[ \t]*)\x02docexec:(?P<index>\d+)\x03$")
PYTHON_LANGS = {"python", "py", "python3", "pycon"}


class PageError(ValueError):
    """A page that cannot be built as written; the message says where and what."""


@dataclass
class Job:
    path: str  # as written in the include, relative to the snippets base path
    file: str  # resolved file on disk
    directive: directive.Directive
    line: int  # 1-based line of the fence on the page


class IncludeCheck(Preprocessor):
    def __init__(self, md, ext: "DocexecExtension"):
        super().__init__(md)
        self.ext = ext
        self.jobs: list[Job] = []

    def run(self, lines: list[str]) -> list[str]:
        out, self.ext.jobs = self.scan(lines)
        try:
            name = notebook.page_name(lines)
        except ValueError as exc:
            raise PageError(str(exc)) from None
        if name:  # a page with exec fences: offer it as a notebook, built from the same files
            nb = notebook.page_to_notebook(lines, self.ext.resolve)
            links = notebook.download_lines(nb, name, self.ext.getConfig("repo_url") or None)
            out = notebook.insert_under_h1(out, links)
        return out

    def scan(self, lines: list[str]) -> tuple[list[str], list[Job]]:
        """Check the page; return its lines with exec fences marked, and the jobs to run."""
        self.jobs = []
        out: list[str] = []
        i = 0
        while i < len(lines):
            opened = directive.FENCE.match(lines[i])
            if lines[i].strip() == report.MARKER:
                out.extend(report.render(self.ext))
                i += 1
                continue
            if not opened:
                self._check_include(lines[i], i)
                out.append(lines[i])
                i += 1
                continue
            try:
                end = directive.closing_line(lines, i, opened["fence"])
            except directive.DirectiveError as exc:
                raise PageError(str(exc)) from None
            body = lines[i + 1 : end]
            info = opened["info"]
            lang = info.split()[0].lstrip(".{") if info.split() else ""
            includes = [self._check_include(line, i + 1 + k) for k, line in enumerate(body)]
            if lang in PYTHON_LANGS and (not body or not all(includes)):
                raise PageError(
                    f"line {i + 1}: a ```{lang} fence must hold only --8<-- includes of files in snippets/; "
                    "code pasted into Markdown is never run or tested"
                )
            if directive.is_exec(info):
                out.extend(self._exec_fence(opened, body, includes, i))
            else:
                out.extend(lines[i : end + 1])
            i = end + 1
        return out, self.jobs

    def _check_include(self, line: str, index: int):
        match = INCLUDE.match(line)
        if not match:
            return None
        target = match["target"]
        if target.startswith(";"):
            return match
        path, _, section = target.partition(":")
        if re.fullmatch(r"[\d:,-]+", section or "x"):
            raise PageError(f"line {index + 1}: {target!r} includes by line numbers; use a named section")
        file = self.ext.resolve(path)
        if file is None:
            raise PageError(
                f"line {index + 1}: snippet file {path!r} not found in {', '.join(self.ext.base_paths())}"
            )
        if section:
            with open(file, encoding="utf-8") as handle:
                if SECTION_START.format(section) not in handle.read():
                    raise PageError(f"line {index + 1}: section {section!r} not found in snippet file {file}")
        return match

    def _exec_fence(self, opened, body, includes, i: int) -> list[str]:
        indent = opened["indent"]
        try:
            parsed = directive.parse(opened["info"])
        except directive.DirectiveError as exc:
            raise PageError(f"line {i + 1}: {exc}") from None
        if len(body) != 1 or not includes[0]:
            raise PageError(f"line {i + 1}: an exec fence must hold exactly one --8<-- include")
        target = includes[0]["target"]
        if ":" in target:
            raise PageError(f"line {i + 1}: exec runs whole files; {target!r} names a section")
        self.jobs.append(Job(target, self.ext.resolve(target), parsed, i + 1))
        header = f'{indent}{opened["fence"]}python title="{target}"'
        marker = f"{indent}\x02docexec:{len(self.jobs) - 1}\x03"
        return [header, body[0], f'{indent}{opened["fence"]}', "", marker, ""]


class OutputWriter(Preprocessor):
    def __init__(self, md, ext: "DocexecExtension"):
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for line in lines:
            match = MARKER.match(line)
            if match:
                job = self.ext.jobs[int(match["index"])]
                out.extend(self._render(job, match["indent"]))
            else:
                out.append(line)
        return out

    def _render(self, job: Job, indent: str) -> list[str]:
        if not self.ext.getConfig("execute"):
            return []
        text = self.ext.execute(job)
        return self._text(job, text, indent) + self._figures(job, indent)

    def _figures(self, job: Job, indent: str) -> list[str]:
        """Figures the snippet drew with plt.show(), inline as SVG images with their alt text."""
        svgs = self.ext.figures(job)
        if svgs and not job.directive.alt:
            raise check.SnippetError(
                f"exec fence at line {job.line}: {job.path} draws {len(svgs)} figure(s); "
                'describe them for readers who cannot see them: ```python exec alt="..."'
            )
        lines = []
        for svg in svgs:
            data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
            lines += ["", f"{indent}![{job.directive.alt}](data:image/svg+xml;base64,{data}){{ .docexec-figure }}"]
        return lines

    def _text(self, job: Job, text: str, indent: str) -> list[str]:
        if job.directive.output == "none":
            return []
        if job.directive.output == "mermaid":
            return _fence(text, "mermaid", indent)
        label = f"Output (raises {job.directive.raises})" if job.directive.raises else "Output"
        record = self.ext.cuda_record(job)
        if record is None:
            return _fence(text, f'text title="{label}"', indent) if text.strip() else []
        gpu = record["gpu"]
        provenance = f"{gpu}, torch {record['torch']}, CUDA {record['cuda']}, recorded {record['date']}"
        if not cuda_records.is_current(record, job.file, Path.cwd()):
            return [
                *_fence(text, f'text title="{label}"', indent),
                "",
                f'{indent}!!! warning "Recorded CUDA output is out of date"',
                f"{indent}    The CUDA output recorded for this snippet ({provenance}) came from an older",
                f"{indent}    version of it, so it is not shown. Re-record with `python -m docexec.cuda_records`.",
            ]
        if record["output"] == text:
            return _fence(text, f'text title="{label} · same on CUDA ({gpu})"', indent) if text.strip() else []
        inner = indent + "    "
        return [
            f'{indent}=== "CPU"',
            "",
            *_fence(text, f'text title="{label} on CPU"', inner),
            "",
            f'{indent}=== "CUDA · {gpu}"',
            "",
            *_fence(record["output"], f'text title="{label} on CUDA ({provenance})"', inner),
        ]


def _fence(text: str, info: str, indent: str) -> list[str]:
    """A fenced block longer than any backtick run in ``text``, so nothing in it can close it."""
    longest = max((len(run) for run in re.findall(r"`+|~+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = [f"{indent}{line}" if line else "" for line in text.rstrip("\n").split("\n")]
    return [f"{indent}{fence}{info}", *body, f"{indent}{fence}"]


class DocexecExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "device": ["cpu", "Device the build runs snippets on (env DOCEXEC_DEVICE overrides)"],
            "timeout": [60.0, "Seconds one snippet may run before the build fails"],
            "execute": [True, "Run snippets (env DOCEXEC_EXECUTE=0 turns it off)"],
            "cache_dir": [".cache/docexec", "Where results are cached; empty turns the cache off"],
            "repo_url": ["", "GitHub repository, for the 'Open in Colab' link (empty: none)"],
            "cuda_records": ["", "Folder of recorded CUDA outputs shown beside the CPU ones (empty: none)"],
            "docs_dir": ["", "Pages to prefetch and to list in the execution report (empty: none)"],
        }
        super().__init__(**kwargs)
        self.jobs: list[Job] = []
        self.md = None

    def extendMarkdown(self, md):
        self.md = md
        if os.environ.get("DOCEXEC_EXECUTE") == "0":
            self.setConfig("execute", False)
        md.preprocessors.register(IncludeCheck(md, self), "docexec_includes", 33)
        md.preprocessors.register(OutputWriter(md, self), "docexec_outputs", 31)
        if self.getConfig("execute") and not results.PENDING and "snippet" in md.preprocessors:
            # Queue the site's missing results as early as the configuration is read,
            # so the worker imports torch while the build is still setting up.
            self.prefetch_site()

    def base_paths(self) -> list[str]:
        snippets = self.md.preprocessors["snippet"] if "snippet" in self.md.preprocessors else None
        if snippets is None:
            raise PageError("docexec needs pymdownx.snippets, with base_path set, in the same Markdown instance")
        return list(snippets.base_path)

    def resolve(self, path: str):
        for base in self.base_paths():
            file = os.path.join(base, path)
            if os.path.isfile(file):
                return os.path.abspath(file)
        return None

    def cuda_record(self, job: Job):
        folder = self.getConfig("cuda_records")
        return cuda_records.load(folder, job.file) if folder and self.device() == "cpu" else None

    def cache_dir(self) -> str:
        return os.environ.get("DOCEXEC_CACHE_DIR", self.getConfig("cache_dir"))

    def device(self) -> str:
        return os.environ.get("DOCEXEC_DEVICE", self.getConfig("device"))

    def execute(self, job: Job) -> str:
        """The text to show under ``job``'s code: from this build, the cache, or a fresh run."""
        record = results.obtain(job.file, self.device(), self.timeout(job), self.cache_dir())
        try:
            return check.judge(record.runs, job.directive, os.path.relpath(job.file))
        except check.SnippetError as exc:
            raise check.SnippetError(f"exec fence at line {job.line}: {exc}") from None

    def figures(self, job: Job) -> list[str]:
        return check.figures(results.LEDGER[(job.file, self.device())].runs)

    def timeout(self, job: Job) -> float:
        return job.directive.timeout or float(self.getConfig("timeout"))

    def site_pages(self) -> list[Path]:
        """Every page under docs_dir, the report page aside, in the order MkDocs builds
        them (a folder's index first, then by name): the snippets are queued in that
        order, so the page the build is rendering is the one the worker is running.
        Measured: queued alphabetically, the home page's one snippet ran last, and the
        build waited 5.3 s on it before rendering anything."""
        docs = self.getConfig("docs_dir")
        found = Path(docs).rglob("*.md") if docs else []
        pages = sorted(found, key=lambda p: (p.parent.parts, p.name not in ("index.md", "README.md"), p.name))
        return [page for page in pages if report.MARKER not in page.read_text(encoding="utf-8")]

    def prefetch_site(self) -> None:
        """Queue every snippet of the site whose result is not known yet, so they run
        on the worker while MkDocs renders pages. A page that cannot be scanned is
        skipped here; it fails with its own name when it is rendered."""
        for page in self.site_pages():
            try:
                jobs = self.scan_page(str(page))
            except PageError:
                continue
            for job in jobs:
                results.prefetch(job.file, self.device(), self.timeout(job), self.cache_dir())

    def scan_page(self, path: str) -> list[Job]:
        """The exec jobs of another page (for the report), without running them."""
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
        try:
            return IncludeCheck(self.md, self).scan(lines)[1]
        except PageError as exc:
            raise PageError(f"{path}: {exc}") from None


def makeExtension(**kwargs):
    return DocexecExtension(**kwargs)
