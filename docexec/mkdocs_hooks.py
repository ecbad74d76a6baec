"""MkDocs hook: run notebook pages (``docs/*.ipynb``) before mkdocs-jupyter renders them.

Markdown pages run their code through the docexec Python-Markdown extension,
which any Python-Markdown host can load. A notebook page is different: no
Markdown extension ever sees a ``.ipynb`` file. mkdocs-jupyter, itself an
MkDocs plugin, turns it into a page; Zensical cannot render ``.ipynb`` pages at
all. So this one piece is an MkDocs hook, and a small one:

- ``on_startup``/``on_config``: under ``mkdocs serve`` the extension's ``errors``
  setting becomes ``show``: a broken snippet is shown, marked, on its page.
- ``on_config``: every ``docs/**/*.ipynb`` starts running at once, in a
  background thread (``docexec.notebooks.execute.execute_cached``; a warm build
  reuses the executed copy). The kernel starts and works while MkDocs loads
  its plugins and converts the Markdown pages, instead of before them.
- ``on_files``: the page's file is pointed at the executed copy (its path is
  known before the run ends), which mkdocs-jupyter renders with ``execute:
  false``. It runs after mkdocs-jupyter's own ``on_files`` (priority -50),
  which wraps each notebook in a ``NotebookFile``: the path must be set on that
  wrapper.
- ``on_pre_page``: the notebook page waits for its run, before mkdocs-jupyter
  reads it (priority 50). A failing cell fails the build here.
- ``on_page_content``/``on_post_page``: under the notebook's H1, the same
  "Download notebook" and "Open in Colab" buttons as on the Markdown pages; the
  notebook as written (without outputs) is published next to the page.

Its settings are the docexec extension's, read from the same ``markdown_extensions``
block of ``mkdocs.yml`` with the same ``DOCEXEC_*`` overrides (``docexec.settings``):
device, execute and cache_dir (executed copies go to ``<cache_dir>/notebooks``).
``on_config`` also starts a new build session, so each ``mkdocs serve`` rebuild has
its own execution record.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from docexec import session
from docexec.notebooks.execute import NotebookError, cached_path, execute_cached
from docexec.notebooks.generate import colab_url, download_html
from docexec.settings import Settings

_sources: dict[str, str] = {}  # src_uri -> the notebook as written in docs/
_runs: dict[str, Future] = {}  # absolute source path -> its run (the executed copy's path)
_pool = ThreadPoolExecutor(1, thread_name_prefix="docexec-notebooks")  # one kernel at a time


_settings: dict[str, Settings] = {}  # "build" -> this build's settings
_command: dict[str, str] = {}  # "name" -> build, serve, gh-deploy


def on_startup(command, dirty):
    _command["name"] = command


def _cache_dir(settings: Settings) -> str:
    return os.path.join(settings.cache_dir or os.path.join(".cache", "docexec"), "notebooks")


def _is_page(path, config) -> bool:
    """Whether mkdocs-jupyter renders this notebook as a page: the generated notebooks under
    ``docs/notebooks/`` are files to download, not pages, and are neither run nor changed."""
    if ".ipynb_checkpoints" in Path(path).parts:
        return False
    plugin = config["plugins"].get("mkdocs-jupyter")
    return plugin is None or plugin.should_include(SimpleNamespace(abs_src_path=str(path)))


def on_config(config):
    options = config["mdx_configs"].setdefault("docexec.extension", {})
    if _command.get("name") == "serve":
        # A broken snippet is shown on its page, marked, instead of stopping the rebuild
        # (MkDocs' server would then hang every request until the file is fixed).
        options["errors"] = "show"
        options["keep_warm"] = True  # the workers import torch's lazy modules between rebuilds
    settings = _settings["build"] = Settings.load(dict(options))
    session.begin(settings)
    _runs.clear()
    if settings.execute:
        for path in sorted(Path(config["docs_dir"]).rglob("*.ipynb")):
            if _is_page(path, config):
                _runs[str(path.resolve())] = _pool.submit(execute_cached, path, _cache_dir(settings), settings.device)
    return config


@event_priority(-50)
def on_files(files, config):
    settings = _settings["build"]
    execute, device, cache_dir = settings.execute, settings.device, _cache_dir(settings)
    for file in files:
        if not file.src_uri.endswith(".ipynb") or not _is_page(file.abs_src_path, config):
            continue
        _sources[file.src_uri] = file.abs_src_path
        if execute:
            source = str(Path(file.abs_src_path).resolve())
            if source not in _runs:  # added by a plugin, not found in docs_dir by on_config: run it now
                _runs[source] = _pool.submit(execute_cached, source, cache_dir, device)
            file.abs_src_path = str(cached_path(file.abs_src_path, cache_dir, device))
    return files


@event_priority(50)
def on_pre_page(page, config, files):
    source = _sources.get(page.file.src_uri)
    run = _runs.get(str(Path(source).resolve())) if source else None
    if run is not None:
        try:
            run.result()
        except NotebookError as exc:
            raise PluginError(str(exc)) from None
    return page


def on_page_content(html, page, config, files):
    source = _sources.get(page.file.src_uri)
    if source is None:
        return html
    colab = colab_url(config.get("repo_url"), f"docs/{page.file.src_uri}")
    buttons = download_html(Path(source).name, colab)
    head, h1, rest = html.partition("</h1>")
    return f"{head}{h1}{buttons}{rest}" if h1 else buttons + html


def on_post_page(output, page, config):
    """The notebook as written (no outputs) is published next to its page, for the button."""
    source = _sources.get(page.file.src_uri)
    if source is not None:
        target = Path(page.file.abs_dest_path).parent / Path(source).name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return output
