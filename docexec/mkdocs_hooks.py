"""The MkDocs-only part of docexec, loaded by ``hooks:`` in mkdocs.yml.

Markdown pages run their code through the docexec Python-Markdown extension, which
any Python-Markdown host can load (Zensical too). What only MkDocs can do is here, on
one ``MkDocsBuild`` object (its events are this module's ``on_*`` names, as markdown-exec
keeps its state on ``MarkdownExecPlugin``):

- ``on_startup``/``on_config``: the extension's settings learn the command (under
  ``mkdocs serve`` a broken snippet is shown on its page, and the workers stay warm:
  ``Settings.command``) and the folder of mkdocs.yml, from which every path is resolved
  as MkDocs resolves ``docs_dir`` (pymdownx.snippets' relative ``base_path`` too), so
  ``mkdocs build -f elsewhere/mkdocs.yml`` works from any folder. A new ``Session``
  starts for each build and rebuild.
- Notebook pages (``docs/*.ipynb``): no Markdown extension ever sees one;
  mkdocs-jupyter, itself a plugin, turns it into a page. Each starts running at once
  in a background thread (``notebooks.execute``; a warm build reuses the executed
  copy), ``on_files`` points the page at the executed copy (after mkdocs-jupyter's own
  ``on_files``, priority -50, which wraps each notebook in a ``NotebookFile``),
  ``on_pre_page`` waits for it (a failing cell fails the build, or under ``serve`` shows
  the error on the page), and the page gets the same "Download notebook" and "Open in
  Colab" buttons as the Markdown pages, and its links to other pages (``backward.md#x``)
  become the site's URLs, as MkDocs makes them for Markdown pages.
- ``on_post_build``: the notebooks published for download (``docs/notebooks/``) get
  absolute links to the site's pages when ``site_url`` is set (relative ones lead
  nowhere once downloaded); and the build fails if a snippet may not be published and
  the extension has not said so yet.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from docexec import session
from docexec.notebooks import generate
from docexec.notebooks.execute import NotebookError, cache_folder, execute, executed_path
from docexec.settings import Settings


PAGE_LINK = re.compile(r'href="(?P<path>[^":#?]+\.md)(?P<anchor>#[^"]*)?"')


class MkDocsBuild:
    """Everything the MkDocs events share, for one process (``mkdocs serve``: every rebuild)."""

    def __init__(self):
        self.command = "build"
        self.settings = Settings()
        self.sources: dict[str, str] = {}  # src_uri -> the notebook page as written in docs/
        self.runs: dict[str, Future] = {}  # absolute source path -> its run (the executed copy's path)
        self.errors: dict[str, str] = {}  # src_uri -> why its notebook did not run (mkdocs serve)
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="docexec-notebooks")  # one kernel at a time
        self.scratch: tempfile.TemporaryDirectory | None = None  # executed notebooks when the cache is off

    # -- configuration ---------------------------------------------------------

    def on_startup(self, command, dirty):
        self.command = command

    def on_config(self, config):
        root = os.path.dirname(os.path.abspath(config.config_file_path))
        snippets = config["mdx_configs"].get("pymdownx.snippets")
        if snippets is not None:  # pymdownx.snippets reads a relative base_path from the current folder
            bases = snippets.get("base_path", ["."])
            bases = [bases] if isinstance(bases, str) else bases
            snippets["base_path"] = [os.path.join(root, base) for base in bases]
        jupyter = config["plugins"].get("mkdocs-jupyter")
        if jupyter is not None and not os.path.isabs(jupyter.config.get("cache_dir", "/")):  # its own conversion cache
            jupyter.config["cache_dir"] = os.path.join(root, jupyter.config["cache_dir"])
        options = config["mdx_configs"].setdefault("docexec.extension", {})
        options.update(command=self.command, root=root)
        settings = self.settings = Settings.load(dict(options))
        if jupyter is not None and not settings.cache_dir:  # cache_dir "": every cache off, that one too
            jupyter.config["cache"] = False
        session.begin(settings).raised_by_host = True  # on_env fails the build, not the last page read
        self.runs.clear()
        self.errors.clear()
        self._close_scratch()
        if settings.execute:
            for path in sorted(Path(config["docs_dir"]).rglob("*.ipynb")):
                if self._is_page(path, config):
                    self.runs[str(path.resolve())] = self.pool.submit(execute, path, self._folder(), settings)
        return config

    def _folder(self) -> Path:
        """Where executed notebooks go: the cache, or this build's temporary folder."""
        folder = cache_folder(self.settings)
        if folder is None:
            if self.scratch is None:
                self.scratch = tempfile.TemporaryDirectory(prefix="docexec-notebooks-")
            folder = Path(self.scratch.name)
        return folder

    def _close_scratch(self) -> None:
        if self.scratch is not None:
            self.scratch.cleanup()
            self.scratch = None

    @staticmethod
    def _is_page(path, config) -> bool:
        """Whether mkdocs-jupyter renders this notebook as a page: the generated notebooks under
        ``docs/notebooks/`` are files to download, not pages, and are neither run nor changed."""
        if ".ipynb_checkpoints" in Path(path).parts:
            return False
        plugin = config["plugins"].get("mkdocs-jupyter")
        return plugin is not None and plugin.should_include(SimpleNamespace(abs_src_path=str(path)))

    # -- notebook pages --------------------------------------------------------

    @event_priority(-50)
    def on_files(self, files, config):
        settings = self.settings
        for file in files:
            if not file.src_uri.endswith(".ipynb") or not self._is_page(file.abs_src_path, config):
                continue
            self.sources[file.src_uri] = file.abs_src_path
            if settings.execute:
                source = str(Path(file.abs_src_path).resolve())
                if source not in self.runs:  # added by a plugin, not found in docs_dir by on_config: run it now
                    self.runs[source] = self.pool.submit(execute, source, self._folder(), settings)
                file.abs_src_path = str(executed_path(file.abs_src_path, self._folder(), settings.device))
        return files

    @event_priority(50)
    def on_pre_page(self, page, config, files):
        source = self.sources.get(page.file.src_uri)
        run = self.runs.get(str(Path(source).resolve())) if source else None
        if run is not None:
            try:
                run.result()
            except NotebookError as exc:
                if self.settings.errors != "show":
                    raise PluginError(str(exc)) from None
                print(f"docexec: {exc}", file=sys.stderr)  # mkdocs serve: the page shows it, the rest works
                self.errors[page.file.src_uri] = str(exc)
                page.file.abs_src_path = source  # the notebook as written, without outputs
        return page

    def on_page_content(self, html, page, config, files):
        source = self.sources.get(page.file.src_uri)
        if source is None:
            return html
        html = self._page_links(html, page, files)
        colab = generate.colab_url(config.get("repo_url"), f"{Path(config['docs_dir']).name}/{page.file.src_uri}")
        buttons = generate.download_html(Path(source).name, colab)
        error = self.errors.get(page.file.src_uri)
        if error:
            import html as escape

            buttons += ('<div class="admonition failure docexec-error"><p class="admonition-title">This notebook failed'
                        f"</p><pre><code>{escape.escape(error, quote=False)}</code></pre></div>")
        head, h1, rest = html.partition("</h1>")
        return f"{head}{h1}{buttons}{rest}" if h1 else buttons + html

    @staticmethod
    def _page_links(html, page, files):
        """A notebook page's links to other pages (``backward.md#x``, as a Markdown page
        writes them) made into the site's URLs, as MkDocs does for Markdown pages;
        mkdocs-jupyter leaves them as written. A link to no page is left for the link check."""

        def fix(link: re.Match) -> str:
            path = posixpath.normpath(posixpath.join(posixpath.dirname(page.file.src_uri), link["path"]))
            target = files.get_file_from_path(path)
            if target is None:
                return link.group(0)
            return f'href="{target.url_relative_to(page.file)}{link["anchor"] or ""}"'

        return PAGE_LINK.sub(fix, html)

    def on_post_page(self, output, page, config):
        """The notebook as written (no outputs) is published next to its page, for the button."""
        source = self.sources.get(page.file.src_uri)
        if source is not None:
            target = Path(page.file.abs_dest_path).parent / Path(source).name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        return output

    # -- the end of a build ----------------------------------------------------

    def on_env(self, env, config, files):
        """Every page is read: fail now if a snippet may not be published (before the site is written)."""
        session.current(self.settings).fail_now()
        return env

    def on_post_build(self, config):
        """Published notebooks link to the published pages when the site knows its address.
        (A snippet that may not be published has failed the build already, in ``on_env``.)"""
        site_url = config.get("site_url")
        if site_url and self.settings.docs_dir:
            settings = replace(self.settings, site_url=site_url)
            docs = settings.path("docs_dir")
            for page in sorted(docs.glob("*.md")):
                try:
                    found = generate.notebook_of(page, settings)
                except ValueError:
                    continue  # that page failed, or (mkdocs serve) shows why
                if not found:
                    continue
                target = Path(config["site_dir"]) / Path(found[0]).relative_to(docs.relative_to(settings.base))
                if target.is_file():
                    target.write_text(found[1], encoding="utf-8")
        self._close_scratch()

    def on_build_error(self, error):
        self._close_scratch()

    def on_shutdown(self):
        self._close_scratch()
        self.pool.shutdown(wait=False, cancel_futures=True)


_build = MkDocsBuild()
on_startup = _build.on_startup
on_config = _build.on_config
on_files = _build.on_files
on_pre_page = _build.on_pre_page
on_page_content = _build.on_page_content
on_post_page = _build.on_post_page
on_env = _build.on_env
on_post_build = _build.on_post_build
on_build_error = _build.on_build_error
on_shutdown = _build.on_shutdown
