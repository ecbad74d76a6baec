"""Every topic page as a runnable Jupyter notebook.

``page_to_notebook`` turns a page's Markdown source (``docs/<page>.md``, before
pymdownx.snippets runs) into an nbformat v4 notebook, in page order:

- each ```` ```python exec ```` fence becomes a code cell holding the included
  file, exactly as the page shows it; a fence with ``raises="X"`` gets the tag
  ``raises-exception`` (nbclient and JupyterLab then accept its error) and the
  metadata ``{"docexec": {"raises": "X", "match": "..."}}``;
- a ```` ```python ```` fence without ``exec`` shows part of a file that cannot
  run alone, so it is left out;
- the prose between fences becomes markdown cells; Material's admonitions
  (``!!! note "Title"``) become block quotes under a bold title and content tabs
  (``=== "Name"``) a bold name over the tab's body, since Jupyter knows neither;
  other fences (```` ```mermaid ````, ```` ```text ````) are kept as written;
- a first markdown cell (with the page's H1) says where the notebook comes from
  and how to install the PyTorch version the site documents.

Everything is a pure function of the page and the snippet files: no time stamps,
cell ids from the cell's position, ``dumps`` writes keys sorted, so the same
input gives byte-identical JSON and ``--check`` can compare files.

No MkDocs and no torch here: the docexec extension calls ``page_name``,
``download_lines`` while it renders a page, and ``python -m docexec.notebooks``
writes ``docs/notebooks/<page>.ipynb`` (``--check`` reports stale ones instead).
Those files are committed and published as files of the site: the "Download
notebook" button links to the page's file, and "Open in Colab" to the committed copy.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
from pathlib import Path
from typing import Optional

from docexec import directive, fences
from docexec.cache import torch_version
from docexec.settings import Settings

MACHINERY = re.compile(r"^[ \t]*-{1,}8<-{1,}")  # any pymdownx.snippets line (include or block marker)
ADMONITION = re.compile(
    r'^(?:!!!|\?\?\?\+?)[ \t]+(?P<kinds>[\w-]+(?:[ \t]+[\w-]+)*)(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$'
)
TAB = re.compile(r'^===[+!]*[ \t]+"(?P<title>[^"]*)"[ \t]*$')
LINK = re.compile(r"(?<=\]\()(?P<target>[^)\s:]+?)(?=[ )])")  # relative [text](target) links
FOLDER = "notebooks"  # the generated notebooks, in docs_dir: committed, and published with the site
GITHUB = re.compile(r"^https?://(?:www\.)?github\.com/(?P<owner>[^/]+)/(?P<repo>[^/#?]+?)(?:\.git)?/?$")


def page_name(jobs: list[fences.Job]) -> Optional[str]:
    """The page's name, from its exec fences (``docs/<page>.md`` runs only ``<page>/...``).

    None for a page without exec fences, or whose snippets sit in no folder (pages
    outside the site's layout, as in tests). A page that runs files of several folders
    is an error: its notebook would have no name.
    """
    folders = {job.title.split("/")[0] for job in jobs if "/" in job.title}
    if not folders:
        return None
    if len(folders) != 1:
        raise ValueError(f"cannot name the notebook: the page runs files of {sorted(folders)}")
    return folders.pop()


def page_to_notebook(lines: list[str], resolve: fences.Resolve, settings: Settings = Settings()) -> dict:
    """The notebook for one page. ``resolve("page/file.py")`` gives the file's path.
    Its header names the site and the install line from ``settings`` (``mkdocs.yml``).

    With ``settings.site_url``, relative links (``backward.md#x``, ``#x``) point to the
    published site instead, since they lead nowhere inside a notebook.
    """
    items = _items(list(lines), resolve)
    name = page_name([meta["job"] for kind, _, meta in items if kind == "code"])
    if name is None:
        raise ValueError("the page has no exec fences; there is nothing to run")
    items = [(kind, text, {k: v for k, v in meta.items() if k != "job"}) for kind, text, meta in items]
    site_url = settings.site_url
    if site_url:
        base = site_url.rstrip("/") + "/"
        items = [
            (kind, _absolute_links(text, base, name) if kind == "md" else text, meta) for kind, text, meta in items
        ]
    cells = _cells(items)
    title = None
    if cells and cells[0]["cell_type"] == "markdown" and cells[0]["source"].startswith("# "):
        title, _, rest = cells[0]["source"].partition("\n")
        cells[0]["source"] = rest.strip("\n")
        if not cells[0]["source"]:
            cells.pop(0)
    cells.insert(0, _markdown(_header(name, title, settings)))
    for index, cell in enumerate(cells, start=1):
        cell["id"] = f"cell-{index:04d}"
        cell["source"] = cell["source"].splitlines(keepends=True)
    return {
        "cells": cells,
        "metadata": {
            "docexec": {"page": f"docs/{name}.md", "torch": _public_torch()},
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def dumps(nb: dict) -> str:
    """The notebook as JSON, byte for byte what ``nbformat.writes`` gives, plus a final newline."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def colab_url(repo_url: Optional[str], path: str, branch: str = "main") -> Optional[str]:
    """Colab's URL for ``path`` in a GitHub repository; None when ``repo_url`` is not on GitHub."""
    match = GITHUB.match(repo_url or "")
    if not match:
        return None
    return f"https://colab.research.google.com/github/{match['owner']}/{match['repo']}/blob/{branch}/{path}"


def download_lines(name: str, repo_url: Optional[str] = None, docs_dir: str = "docs") -> list[str]:
    """Markdown to put under the page's H1: "Download notebook" (the page's notebook, a
    file of the site) and, for a GitHub repository, "Open in Colab" on the committed
    copy (``<docs_dir>/notebooks/`` in the repository). Needs attr_list. The link is
    relative to the docs folder, so MkDocs checks it."""
    links = [f'[Download notebook]({FOLDER}/{name}.ipynb){{ .md-button download="{name}.ipynb" }}']
    colab = colab_url(repo_url, f"{docs_dir}/{FOLDER}/{name}.ipynb")
    if colab:
        links.append(f"[Open in Colab]({colab}){{ .md-button }}")
    return ["", " ".join(links), ""]


def download_html(filename: str, colab: Optional[str] = None) -> str:
    """The same buttons as HTML, for notebook pages (no Markdown extension sees them);
    ``filename`` is published next to the page."""
    links = [f'<a class="md-button" href="{filename}" download="{filename}">Download notebook</a>']
    if colab:
        links.append(f'<a class="md-button" href="{colab}">Open in Colab</a>')
    return "<p>" + " ".join(links) + "</p>"


def insert_under_h1(lines: list[str], extra: list[str]) -> list[str]:
    """``lines`` with ``extra`` after the first ``# `` heading (at the top when there is none)."""
    for index, line in enumerate(lines):
        if line.startswith("# "):
            return [*lines[: index + 1], *extra, *lines[index + 1 :]]
        if fences.FENCE.match(line):
            break
    return [*extra, *lines]


# -- conversion ---------------------------------------------------------------


def _items(lines: list[str], resolve: fences.Resolve) -> list[tuple[str, str, dict]]:
    """The page as a flat list of ("md", line, {}) and ("code", source, metadata)."""
    items: list[tuple[str, str, dict]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if fences.FENCE.match(line):
            fence = next(fences.walk(lines[i:], resolve))  # the one lexer: this fence, checked
            items.extend(_fence(fence, lines[i : i + fence.end + 1]))
            i += fence.end + 1
            continue
        block = ADMONITION.match(line) or TAB.match(line)
        if block:
            body, i = _indented(lines, i + 1)
            inner = _items(body, resolve)
            if block.re is TAB:
                items += [("md", f"**{block['title']}**", {}), ("md", "", {}), *inner, ("md", "", {})]
            else:
                title = block["title"] if block["title"] is not None else block["kinds"].split()[0].capitalize()
                head = [("md", f"**{title}**", {}), ("md", "", {})] if title else []
                items += [_quoted(item) for item in [*head, *inner]] + [("md", "", {})]
            continue
        if not MACHINERY.match(line):
            items.append(("md", line, {}))
        i += 1
    return items


def _public_torch() -> str:
    return torch_version().split("+")[0]


def _fence(fence: fences.Fence, block: list[str]) -> list[tuple[str, str, dict]]:
    if not directive.is_python(fence.info):
        return [("md", line, {}) for line in block]
    if fence.job is None:
        return []  # a section of a file: not runnable alone
    job = fence.job
    source = fences.whole_file(Path(job.file).read_text(encoding="utf-8"))  # as the page shows it
    meta: dict = {"snippet": job.title, "job": job}
    if job.directive.raises:
        meta["raises"], meta["match"] = job.directive.raises, job.directive.match
    if job.directive.output != "text":
        meta["output"] = job.directive.output
    return [("code", source.rstrip("\n"), meta)]


def _indented(lines: list[str], start: int) -> tuple[list[str], int]:
    """The indented body of a block starting at ``start``, dedented by 4; and where it ends."""
    end = start
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith(("    ", "\t"))):
        end += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    body = [line[1:] if line.startswith("\t") else line[4:] for line in lines[start:end]]
    return body, end


def _quoted(item: tuple[str, str, dict]) -> tuple[str, str, dict]:
    kind, text, meta = item
    if kind != "md":
        return item
    return (kind, f"> {text}" if text.strip() else ">", meta)


def _absolute_links(line: str, base: str, page: str) -> str:
    def fix(match: re.Match) -> str:
        target = match["target"]
        path, hash_, anchor = target.partition("#")
        if not path:
            return f"{base}{page}/#{anchor}"
        if not path.endswith(".md") or path.startswith("/"):
            return target
        stem = path[: -len(".md")]
        url = base if stem == "index" else f"{base}{stem}/"
        return url + (f"#{anchor}" if hash_ else "")

    return LINK.sub(fix, line)


def _cells(items: list[tuple[str, str, dict]]) -> list[dict]:
    cells: list[dict] = []
    prose: list[str] = []

    def flush() -> None:
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(prose)).strip("\n")
        if text.strip().strip(">").strip():
            cells.append(_markdown(text))
        prose.clear()

    for kind, text, meta in items:
        if kind == "md":
            prose.append(text)
            continue
        flush()
        metadata: dict = {"docexec": meta}
        if "raises" in meta:
            metadata["tags"] = ["raises-exception"]
        cells.append(
            {"cell_type": "code", "execution_count": None, "metadata": metadata, "outputs": [], "source": text}
        )
    flush()
    return cells


def _markdown(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _header(name: str, title: Optional[str], settings: Settings) -> str:
    page = f"`docs/{name}.md`"
    if settings.site_url:
        page = f"[{page}]({settings.site_url.rstrip('/')}/{name}/)"
    site = f" of *{settings.site_name}*" if settings.site_name else ""
    note = (
        f"> This notebook was generated from the page {page}{site}; "
        f"edit the page, not this notebook. The outputs on the site come from PyTorch {_public_torch()}. "
        "Every code cell is a complete program that picks its device itself (`cuda` when there is "
        "a GPU, else `cpu`). Install what the cells need with:\n"
        ">\n"
        f"> ```\n> {settings.install}\n> ```\n"
        ">\n"
        "> Cells tagged `raises-exception` raise an error on purpose: the one the page explains. "
        '"Run all" may stop there; run the cells after it to go on.'
    )
    return f"{title}\n\n{note}" if title else note


# -- command line -------------------------------------------------------------


def notebook_of(page: Path, settings: Settings) -> Optional[tuple[str, str]]:
    """(``<docs_dir>/notebooks/<page>.ipynb`` relative to the root, its text) for one page;
    None for a page without exec fences. A page that cannot be converted is a
    ``ValueError`` naming it."""
    resolve = fences.resolver(settings.path("snippets"))
    try:
        name = page_name(fences.page_jobs(page, resolve))
        if name is None:
            return None
        if name != page.stem:
            raise ValueError(f"it includes files of snippets/{name}/, not snippets/{page.stem}/")
        text = dumps(page_to_notebook(page.read_text(encoding="utf-8").split("\n"), resolve, settings))
    except (ValueError, fences.PageError) as exc:
        raise ValueError(f"{page.relative_to(settings.base)}: {exc}") from None
    return f"{_folder(settings)}/{name}.ipynb", text


def expected(settings: Settings) -> dict[str, str]:
    """``docs/notebooks/<page>.ipynb`` (relative to ``settings.root``) -> its text, for every
    page of ``settings.docs_dir`` with exec fences."""
    out: dict[str, str] = {}
    for page in sorted(settings.path("docs_dir").glob("*.md")):
        found = notebook_of(page, settings)
        if found:
            out[found[0]] = found[1]
    return out


def _folder(settings: Settings) -> str:
    """Where the notebooks go, relative to the root: ``<docs_dir>/notebooks``."""
    return (settings.path("docs_dir") / FOLDER).relative_to(settings.base).as_posix()


def stale(settings: Settings) -> list[str]:
    """The notebooks that are missing, out of date, or left over from a deleted page."""
    wanted, root, folder = expected(settings), settings.base, _folder(settings)
    problems = [
        f"{path} (missing)" if not (root / path).is_file() else f"{path} (stale)"
        for path, text in wanted.items()
        if not (root / path).is_file() or (root / path).read_text(encoding="utf-8") != text
    ]
    for path in sorted((root / folder).glob("*.ipynb")):
        if f"{folder}/{path.name}" not in wanted:
            problems.append(f"{folder}/{path.name} (no page {path.stem}.md with exec fences)")
    return problems


def settings_for(root: Path, site_url: Optional[str] = None) -> Settings:
    """The settings of ``root/mkdocs.yml`` (pages in ``docs`` unless it says otherwise), with
    ``site_url`` when given."""
    settings = Settings.from_mkdocs_yml(root / "mkdocs.yml")
    return dataclasses.replace(settings, docs_dir=settings.docs_dir or "docs",
                               site_url=site_url if site_url is not None else settings.site_url)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m docexec.notebooks", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="list stale or missing notebooks, exit 1 if any")
    parser.add_argument("--root", type=Path, default=Path("."), help="repository root (default: .)")
    parser.add_argument("--site-url", default=None, help="point relative links to this published site")
    args = parser.parse_args(argv)
    settings = settings_for(args.root, args.site_url)
    if args.check:
        problems = stale(settings)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("regenerate them with: python -m docexec.notebooks", file=sys.stderr)
        return 1 if problems else 0
    wanted, root, folder = expected(settings), settings.base, _folder(settings)
    (root / folder).mkdir(parents=True, exist_ok=True)
    for path, text in wanted.items():
        target = root / path
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    for target in sorted((root / folder).glob("*.ipynb")):
        if f"{folder}/{target.name}" not in wanted:
            target.unlink()
            print(f"removed {folder}/{target.name} (its page has no exec fences)")
    return 0
