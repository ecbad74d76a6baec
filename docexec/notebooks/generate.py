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

INCLUDE = fences.INCLUDE
MACHINERY = re.compile(r"^[ \t]*-{1,}8<-{1,}")  # any pymdownx.snippets line (include or block marker)
ADMONITION = re.compile(
    r'^(?:!!!|\?\?\?\+?)[ \t]+(?P<kinds>[\w-]+(?:[ \t]+[\w-]+)*)(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$'
)
TAB = re.compile(r'^===[+!]*[ \t]+"(?P<title>[^"]*)"[ \t]*$')
LINK = re.compile(r"(?<=\]\()(?P<target>[^)\s:]+?)(?=[ )])")  # relative [text](target) links
FOLDER = "docs/notebooks"  # the generated notebooks: committed, and published with the site
GITHUB = re.compile(r"^https?://(?:www\.)?github\.com/(?P<owner>[^/]+)/(?P<repo>[^/#?]+?)(?:\.git)?/?$")


def page_name(lines: list[str]) -> Optional[str]:
    """The page's name, from its includes (``docs/<page>.md`` includes only ``<page>/...``).

    None for a page without exec fences, or whose includes sit in no folder (pages
    outside the site's layout, as in tests). A page that includes files of several
    folders is an error: its notebook would have no name.
    """
    targets = [m["target"] for line in lines if (m := INCLUDE.match(line)) and not m["target"].startswith(";")]
    folders = {target.split("/")[0] for target in targets if "/" in target}
    if not any(directive.is_exec(m["info"]) for line in lines if (m := directive.FENCE.match(line))):
        return None
    if not folders:
        return None
    if len(folders) != 1:
        raise ValueError(f"cannot name the notebook: the page includes files of {sorted(folders) or 'no folder'}")
    return folders.pop()


def page_to_notebook(lines: list[str], resolve: fences.Resolve, settings: Settings = Settings()) -> dict:
    """The notebook for one page. ``resolve("page/file.py")`` gives the file's path.
    Its header names the site and the install line from ``settings`` (``mkdocs.yml``).

    With ``settings.site_url``, relative links (``backward.md#x``, ``#x``) point to the
    published site instead, since they lead nowhere inside a notebook.
    """
    name = page_name(lines)
    if name is None:
        raise ValueError("the page has no exec fences; there is nothing to run")
    items = _items(list(lines), resolve)
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


def download_lines(name: str, repo_url: Optional[str] = None) -> list[str]:
    """Markdown to put under the page's H1: "Download notebook" (the page's notebook, a
    file of the site) and, for a GitHub repository, "Open in Colab" on the committed
    copy. Needs attr_list. The link is relative to ``docs/``, so MkDocs checks it."""
    links = [f'[Download notebook](notebooks/{name}.ipynb){{ .md-button download="{name}.ipynb" }}']
    colab = colab_url(repo_url, f"{FOLDER}/{name}.ipynb")
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
        if directive.FENCE.match(line):
            break
    return [*extra, *lines]


# -- conversion ---------------------------------------------------------------


def _items(lines: list[str], resolve: fences.Resolve) -> list[tuple[str, str, dict]]:
    """The page as a flat list of ("md", line, {}) and ("code", source, metadata)."""
    items: list[tuple[str, str, dict]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        opened = directive.FENCE.match(line)
        if opened:
            end = directive.closing_line(lines, i, opened["fence"])
            items.extend(_fence(lines[i : end + 1], opened, resolve, i))
            i = end + 1
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


def _fence(block: list[str], opened, resolve: fences.Resolve, start: int) -> list[tuple[str, str, dict]]:
    info = opened["info"]
    if not directive.is_python(info):
        return [("md", line, {}) for line in block]
    if not directive.is_exec(info):
        return []  # a section of a file: not runnable alone
    target, path, parsed = fences.exec_target(block[1:-1], info, start + 1, resolve)  # the extension's rules
    source = fences.whole_file(Path(path).read_text(encoding="utf-8"))  # as the page shows it
    meta: dict = {"snippet": target}
    if parsed.raises:
        meta["raises"], meta["match"] = parsed.raises, parsed.match
    if parsed.output != "text":
        meta["output"] = parsed.output
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


def expected(root: Path, settings: Optional[Settings] = None) -> dict[str, str]:
    """``docs/notebooks/<page>.ipynb`` (relative to ``root``) -> its text, for every page with exec fences.
    ``settings``: the docexec block of ``root/mkdocs.yml`` unless given."""
    resolve = fences.resolver(root / "snippets")
    if settings is None:
        settings = Settings.from_mkdocs_yml(root / "mkdocs.yml")

    out: dict[str, str] = {}
    for page in sorted((root / "docs").glob("*.md")):
        lines = page.read_text(encoding="utf-8").split("\n")
        try:
            name = page_name(lines)
            if name is None:
                continue
            if name != page.stem:
                raise ValueError(f"it includes files of snippets/{name}/, not snippets/{page.stem}/")
            out[f"{FOLDER}/{name}.ipynb"] = dumps(page_to_notebook(lines, resolve, settings))
        except ValueError as exc:
            raise ValueError(f"docs/{page.name}: {exc}") from None
    return out


def stale(root: Path, settings: Optional[Settings] = None) -> list[str]:
    """The notebooks that are missing, out of date, or left over from a deleted page."""
    wanted = expected(root, settings)
    problems = [
        f"{path} (missing)" if not (root / path).is_file() else f"{path} (stale)"
        for path, text in wanted.items()
        if not (root / path).is_file() or (root / path).read_text(encoding="utf-8") != text
    ]
    for path in sorted((root / FOLDER).glob("*.ipynb")):
        if f"{FOLDER}/{path.name}" not in wanted:
            problems.append(f"{FOLDER}/{path.name} (no page docs/{path.stem}.md with exec fences)")
    return problems


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m docexec.notebooks", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="list stale or missing notebooks, exit 1 if any")
    parser.add_argument("--root", type=Path, default=Path("."), help="repository root (default: .)")
    parser.add_argument("--site-url", default=None, help="point relative links to this published site")
    args = parser.parse_args(argv)
    settings = Settings.from_mkdocs_yml(args.root / "mkdocs.yml")
    if args.site_url:
        settings = dataclasses.replace(settings, site_url=args.site_url)
    if args.check:
        problems = stale(args.root, settings)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("regenerate them with: python -m docexec.notebooks", file=sys.stderr)
        return 1 if problems else 0
    wanted = expected(args.root, settings)
    (args.root / FOLDER).mkdir(parents=True, exist_ok=True)
    for path, text in wanted.items():
        target = args.root / path
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    for target in sorted((args.root / FOLDER).glob("*.ipynb")):
        if f"{FOLDER}/{target.name}" not in wanted:
            target.unlink()
            print(f"removed {FOLDER}/{target.name} (its page has no exec fences)")
    return 0

