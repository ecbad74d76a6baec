"""The Python-Markdown extension that executes ``exec`` fences: glue only.

It works wherever Python-Markdown extensions do (MkDocs, Zensical), with no MkDocs
hooks. How a fence becomes output, one module each:

1. ``MarkFences`` (priority 33, before pymdownx.snippets): the build's ``Session`` scans
   the page (``fences``): includes checked, pasted code rejected, options parsed, a
   placeholder under each exec fence. The session has already queued every snippet of
   the site on the workers (``Session.prefetch_site``, when the configuration was read).
2. ``NotebookButtons`` and ``ReportTable`` (32.9, 32.8): "Download notebook" under the
   H1 of a page with exec fences; the execution report where its marker is.
3. pymdownx.snippets (32) pastes each file into its fence.
4. ``WriteOutputs`` (29, after Python-Markdown's whitespace normalisation, which would
   strip the stash's placeholders and expand tabs) replaces each placeholder: the
   session hands over the snippet's runs (``run``), ``judge.verdict`` decides what may
   be shown, ``render.fence_output`` writes it.

A snippet that may not be published is shown on its page as an error block and noted
in the session; with ``errors: fail`` the session fails the build once every page has
run, listing them all (``Session.rendered``).
"""

from __future__ import annotations

import re
import sys
from dataclasses import fields

from markdown import Extension
from markdown.preprocessors import Preprocessor

from docexec import devices, fences, judge, records, render, report, session
from docexec.cache import torch_version
from docexec.errors import PageError, SnippetError, raise_config_error
from docexec.notebooks import generate as notebook
from docexec.settings import Settings, SettingsError


PAGE_ERROR = re.compile(r"^@@docexec-page-error-(?P<index>\d+)@@$")  # a block that cannot be built (mkdocs serve)


class MarkFences(Preprocessor):
    """The page's exec fences as titled code blocks, each with an output placeholder under it."""

    def __init__(self, md, ext: "DocexecExtension"):
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        for _ in range(len(lines) + 1):
            try:
                out, self.ext.jobs = self.ext.session.scan(lines, self.ext.resolve)
                return out
            except PageError as exc:
                if self.ext.settings.errors != "show" or exc.line is None:
                    raise
                # mkdocs serve: the block at fault says what is wrong; the rest of the page,
                # its headings (other pages link to them) and the rest of the site still work
                print(f"docexec: {exc}", file=sys.stderr)
                first, last = fences.fence_around(lines, exc.line)
                self.ext.page_errors.append(str(exc))  # drawn by WriteOutputs, after the whitespace step
                lines = [*lines[:first], "", f"@@docexec-page-error-{len(self.ext.page_errors) - 1}@@", "", *lines[last + 1 :]]
        raise PageError("the page cannot be built")  # pragma: no cover - each pass removes a block


class NotebookButtons(Preprocessor):
    """Under the H1 of a page with exec fences: "Download notebook" (and "Open in Colab")."""

    def __init__(self, md, ext: "DocexecExtension"):
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        try:
            name = notebook.page_name(self.ext.jobs)
        except ValueError as exc:
            raise PageError(str(exc)) from None
        if not name:
            return lines
        settings = self.ext.settings
        buttons = notebook.download_lines(name, settings.repo_url or None, settings.docs_dir or "docs")
        return notebook.insert_under_h1(lines, buttons)


class ReportTable(Preprocessor):
    """The execution report where the page holds ``report.REPORT_MARKER``."""

    def __init__(self, md, ext: "DocexecExtension"):
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        if not any(line.strip() == report.REPORT_MARKER for line in lines):
            return lines
        table = report.table(self.ext.session, self.ext.resolve)
        return [new for line in lines for new in (table if line.strip() == report.REPORT_MARKER else [line])]


class WriteOutputs(Preprocessor):
    """Each output placeholder replaced by what the snippet's runs may show."""

    def __init__(self, md, ext: "DocexecExtension"):
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for line in lines:
            placeholder = fences.OUTPUT_PLACEHOLDER.match(line)
            page_error = PAGE_ERROR.match(line)
            if placeholder:
                out.extend(self.ext.output(self.ext.jobs[int(placeholder["index"])], placeholder["indent"]))
            elif page_error:
                message = self.ext.page_errors[int(page_error["index"])]
                out.extend(render.error_block(message, self.md.htmlStash.store, title="This block cannot be built"))
            else:
                out.append(line)
        if self.ext.settings.execute:
            self.ext.session.rendered(self.ext.jobs)  # the last page of a failing build raises here
        return out


class DocexecExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {f.name: [f.default, f"docexec setting {f.name} (see docexec/settings.py)"] for f in fields(Settings)}
        unknown = [key for key in kwargs if key not in self.config]
        if unknown:  # before Python-Markdown's own check, which would say only KeyError
            raise_config_error(SettingsError(f"unknown docexec option {unknown[0]!r} in mkdocs.yml; known: {', '.join(self.config)}"))
        super().__init__(**kwargs)
        self.jobs: list[fences.Job] = []
        self.page_errors: list[str] = []

    def extendMarkdown(self, md):
        self.md = md
        md.registerExtension(self)  # so that other extensions (docexec.apilinks) find this build's runs
        try:
            self.settings = Settings.load(self.getConfigs())
        except SettingsError as exc:
            raise_config_error(exc)
        self.session = session.current(self.settings)
        md.preprocessors.register(MarkFences(md, self), "docexec_fences", 33)
        md.preprocessors.register(NotebookButtons(md, self), "docexec_notebook_buttons", 32.9)
        md.preprocessors.register(ReportTable(md, self), "docexec_report", 32.8)
        md.preprocessors.register(WriteOutputs(md, self), "docexec_outputs", 29)
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
            file = self.settings.base / base / path
            if file.is_file():
                return str(file.resolve())
        return None

    def output(self, job: fences.Job, indent: str) -> list[str]:
        """What goes under ``job``'s code: its output, figures, other devices' records; or,
        for a snippet that may not be published, an error block (and a note in the session)."""
        if not self.settings.execute:
            return []
        try:
            verdict = judge.verdict(self.session.obtain(job).runs, job.directive, job.title)
        except SnippetError as exc:
            error = SnippetError(f"exec fence at line {job.line}: {exc}")
            self.session.failed(job, error)  # raises now, or with the others at the end of the build
            print(f"docexec: {error}", file=sys.stderr)
            return render.error_block(str(error), self.md.htmlStash.store, indent)
        torch = torch_version()
        place = render.Place(
            stash=self.md.htmlStash.store, indent=indent, torch=torch,
            built=f"{devices.get(self.settings.device).label} · torch {torch.split('+')[0]}",
            records=tuple(records.for_fence(self.settings, job, self.session.hashes)), notes=self.session.record_notes(),
        )
        return render.fence_output(verdict, job.directive, place)


def makeExtension(**kwargs):
    return DocexecExtension(**kwargs)
