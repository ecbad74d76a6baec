"""MkDocs hook: run notebook pages (``docs/*.ipynb``) before mkdocs-jupyter renders them.

Markdown pages run their code through the docexec Python-Markdown extension,
which any Python-Markdown host can load. A notebook page is different: no
Markdown extension ever sees a ``.ipynb`` file. mkdocs-jupyter, itself an
MkDocs plugin, turns it into a page; Zensical cannot render ``.ipynb`` pages at
all. So this one piece is an MkDocs hook, and a small one:

- ``on_files``: for each notebook page, ``docexec.notebook_exec.execute_cached``
  runs it (a failing cell fails the build; a warm build reuses the executed
  copy), and the page's file is pointed at the executed copy, which
  mkdocs-jupyter renders with ``execute: false``. It runs after mkdocs-jupyter's
  own ``on_files`` (priority -50), which wraps each notebook in a
  ``NotebookFile``: the path must be set on that wrapper.
- ``on_page_content``: under the notebook's H1, the same "Download notebook"
  and "Open in Colab" buttons as on the Markdown pages (the source notebook,
  without outputs).

``DOCEXEC_EXECUTE=0`` skips execution, as for Markdown pages, and
``DOCEXEC_DEVICE`` picks the device (default cpu, with CUDA hidden).
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from docexec.notebook import colab_url, download_html
from docexec.notebook_exec import NotebookError, execute_cached

CACHE_DIR = os.path.join(".cache", "docexec", "notebooks")  # relative to where mkdocs runs, like docexec's cache
_sources: dict[str, str] = {}  # src_uri -> the notebook as written in docs/


@event_priority(-50)
def on_files(files, config):
    execute = os.environ.get("DOCEXEC_EXECUTE") != "0"
    device = os.environ.get("DOCEXEC_DEVICE", "cpu")
    for file in files:
        if not file.src_uri.endswith(".ipynb"):
            continue
        _sources[file.src_uri] = file.abs_src_path
        if execute:
            try:
                file.abs_src_path = execute_cached(file.abs_src_path, CACHE_DIR, device)
            except NotebookError as exc:
                raise PluginError(str(exc)) from None
    return files


def on_page_content(html, page, config, files):
    source = _sources.get(page.file.src_uri)
    if source is None:
        return html
    colab = colab_url(config.get("repo_url"), f"docs/{page.file.src_uri}")
    buttons = download_html(Path(source).read_text(encoding="utf-8"), Path(source).name, colab)
    head, h1, rest = html.partition("</h1>")
    return f"{head}{h1}{buttons}{rest}" if h1 else buttons + html
