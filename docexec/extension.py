"""The Python-Markdown extension that executes ``exec`` fences: glue only.

It works wherever Python-Markdown extensions do (MkDocs, Zensical), with no MkDocs
hooks. How a fence becomes output:

1. ``IncludeCheck`` (priority 33, before pymdownx.snippets) reads the page's fences
   (``fences.scan``): checks includes, rejects pasted code, parses options, and leaves
   a marker under each exec fence. The build's ``Session`` has already queued every
   snippet of the site on the workers (``session.prefetch_site``).
2. pymdownx.snippets (32) pastes each file into its fence.
3. ``OutputWriter`` (29, after Python-Markdown's whitespace normalisation, which would
   strip the stash's placeholders and expand tabs) replaces each marker: the session hands over the snippet's
   two runs (``session.obtain``: this build's, the cache's, or the workers'),
   ``judge`` decides what may be shown, ``render`` writes it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import fields

from markdown import Extension
from markdown.preprocessors import Preprocessor

from docexec import devices, fences, judge, records, render, report, session
from docexec.notebooks import generate as notebook
from docexec.cache import torch_version
from docexec.settings import Settings

PageError = fences.PageError
SnippetError = judge.SnippetError


class IncludeCheck(Preprocessor):
    def __init__(self, md, ext: "DocexecExtension"):
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        out, self.ext.jobs = fences.scan(lines, self.ext.resolve)
        if any(line.strip() == report.MARKER for line in out):
            table = report.render(self.ext.session, self.ext.resolve)
            out = [new for line in out for new in (table if line.strip() == report.MARKER else [line])]
        try:
            name = notebook.page_name(lines)
        except ValueError as exc:
            raise PageError(str(exc)) from None
        if name:  # a page with exec fences: offer it as a notebook, built from the same files
            links = notebook.download_lines(name, self.ext.settings.repo_url or None)
            out = notebook.insert_under_h1(out, links)
        return out


class OutputWriter(Preprocessor):
    def __init__(self, md, ext: "DocexecExtension"):
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for line in lines:
            match = fences.MARKER.match(line)
            if match:
                out.extend(self.ext.output(self.ext.jobs[int(match["index"])], match["indent"]))
            else:
                out.append(line)
        return out


class DocexecExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {f.name: [f.default, f"docexec setting {f.name} (see docexec/settings.py)"] for f in fields(Settings)}
        super().__init__(**kwargs)
        self.jobs: list[fences.Job] = []

    def extendMarkdown(self, md):
        self.md = md
        self.settings = Settings.load(self.getConfigs())
        self.session = session.current(self.settings)
        md.preprocessors.register(IncludeCheck(md, self), "docexec_includes", 33)
        md.preprocessors.register(OutputWriter(md, self), "docexec_outputs", 29)
        if self.settings.execute and self._snippets() is not None:
            # Queue the site's missing results as soon as the configuration is read,
            # so the workers import torch while the build is still setting up.
            self.session.prefetch_site(self.resolve)

    def _snippets(self):
        return next((ext for ext in self.md.registeredExtensions if type(ext).__module__ == "pymdownx.snippets"), None)

    def resolve(self, path: str):
        snippets = self._snippets()
        if snippets is None:
            raise PageError("docexec needs pymdownx.snippets, with base_path set, in the same Markdown instance")
        for base in snippets.getConfig("base_path"):
            file = os.path.join(base, path)
            if os.path.isfile(file):
                return os.path.abspath(file)
        return None

    def output(self, job: fences.Job, indent: str) -> list[str]:
        """What goes under ``job``'s code: its output block, figures, CUDA tab. With
        ``errors: show`` (``mkdocs serve``) a snippet that may not be published is shown
        as a marked error block instead, so the rest of the site keeps working."""
        if not self.settings.execute:
            return []
        try:
            return self._output(job, indent)
        except SnippetError as exc:
            if self.settings.errors != "show":
                raise
            print(f"docexec: {exc}", file=sys.stderr)
            return render.error_block(str(exc), self.md.htmlStash.store, indent)

    def _output(self, job: fences.Job, indent: str) -> list[str]:
        record = self.session.obtain(job)
        try:
            text = judge.judge(record.runs, job.directive, os.path.relpath(job.file))
        except SnippetError as exc:
            raise SnippetError(f"exec fence at line {job.line}: {exc}") from None
        svgs = judge.figures(record.runs)
        if svgs and not job.directive.alt:
            raise SnippetError(
                f"exec fence at line {job.line}: {job.path} draws {len(svgs)} figure(s); "
                'describe them for readers who cannot see them: ```python exec alt="..."'
            )
        stash = self.md.htmlStash.store
        if job.directive.output == "none":
            lines = []
        elif job.directive.output == "mermaid":
            lines = render.mermaid(text, indent)
        else:
            label = f"Output (raises {job.directive.raises})" if job.directive.raises else "Output"
            shown = records.for_fence(self.settings, job, self.session.root)
            torch = torch_version()
            built = f"{devices.get(self.settings.device).label} · torch {torch.split('+')[0]}"
            lines = render.with_records(text, label, built, torch, shown, self.session.record_notes(), stash, indent)
        return lines + render.figures(svgs, job.directive.alt or "", indent)


def makeExtension(**kwargs):
    return DocexecExtension(**kwargs)
