"""Links from the code to the PyTorch reference, and an index from the reference to the code.

A Python-Markdown extension of its own (``docexec.apilinks`` in mkdocs.yml, after
pymdownx.highlight/superfences/snippets and docexec.extension), so the same file builds
under MkDocs and Zensical; nothing here is an MkDocs plugin or hook.

- ``LinkPostprocessor`` (priority 25: after Python-Markdown's raw_html postprocessor,
  at 30, has put superfences' stashed blocks back into the page): in every highlighted
  Python block titled with a snippet file (``<span class="filename">page/x.py</span>``,
  which docexec gives every exec fence), wraps each token that ``resolve.references``
  resolves to a documented object in a plain ``<a href>`` to its page in the official
  docs, and gives the block a stable id (the file name, ``x.py``) for the index to link
  to. Output blocks (``docexec-output``), Mermaid and every other block are left alone.
  Only tags are added inside ``<code>``, so its text, which the copy button copies and
  copy-run runs, is the file's text unchanged.
- ``IndexPreprocessor``: the line ``<!-- apilinks:index -->`` on a page becomes the API
  index: every linked object, grouped by module, with the snippets that use it, and a
  collapsed list of the torch names that link nowhere. It reads the snippets of every
  page in ``docs_dir`` itself, so it does not depend on the order pages are built in.
  It also prints a one-line summary on stderr.

The map of documented objects is ``torch_docs.json`` (scripts/apilinks_map.py).
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

from markdown import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from docexec import directive, fences
from docexec.apilinks import resolve

MARKER = "<!-- apilinks:index -->"
BLOCK = re.compile(
    r'<div class="highlight"><span class="filename">(?P<title>[^<]*\.py)</span>'
    r"<pre>(?P<pre><span></span>)?<code>(?P<code>.*?)</code></pre></div>",
    re.S,
)
TAG_OR_TEXT = re.compile(r"(<[^>]*>)|([^<]+)")
PAGES_ONLY = 60  # an object used by more snippets than this lists its pages, not each snippet


def block_id(title: str, seen: dict[str, int]) -> str:
    """The id of a snippet's block on its page: its file name without ``.py``, made unique
    on the page. No dot: Material's copy button finds the code by a CSS selector built
    from the id (``#__code_x > code``), where a dot would start a class name."""
    base = title.rsplit("/", 1)[-1].removesuffix(".py")
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def link_code(code_html: str, source: str, refs: list[resolve.Ref], docmap: resolve.DocMap) -> tuple[str, int]:
    """``code_html`` (Pygments' highlighted ``source``) with each documented ref wrapped in
    an ``<a>``. A ref is wrapped only where it starts and ends on token boundaries."""
    wanted = {}
    for ref in refs:
        if ref.target:
            wanted[(ref.line, ref.start)] = ref
    if not wanted:
        return code_html, 0
    # Split into tags and text; know each text run's place in the source.
    items = []  # [kind, text, line, col_start, col_end]
    line, col = 1, 0
    for match in TAG_OR_TEXT.finditer(code_html):
        if match[1]:
            items.append(["tag", match[1], line, col, col])
            continue
        text = match[2]
        plain = html.unescape(text)
        parts = plain.split("\n")
        if len(parts) == 1:
            items.append(["text", text, line, col, col + len(plain)])
            col += len(plain)
        else:  # keep runs on one line each, so positions stay simple
            pieces = text.split("\n")
            for k, piece in enumerate(pieces):
                length = len(html.unescape(piece))
                items.append(["text", piece, line, col, col + length])
                if k < len(pieces) - 1:
                    items.append(["nl", "\n", line, col + length, col + length])
                    line, col = line + 1, 0
                else:
                    col += length
    starts = {(it[2], it[3]): k for k, it in enumerate(items) if it[0] == "text" and it[1]}
    ends = {(it[2], it[4]): k for k, it in enumerate(items) if it[0] == "text" and it[1]}
    before: dict[int, str] = {}
    after: dict[int, str] = {}
    for key, ref in sorted(wanted.items()):
        i, j = starts.get(key), ends.get((ref.line, ref.end))
        if i is None and items[starts.get((key[0], key[1] - 1), 0)][1].startswith("@"):  # a decorator: @torch
            i = starts.get((key[0], key[1] - 1))
        if i is None or j is None or j < i or any(items[k][0] == "nl" for k in range(i, j + 1)):
            continue
        if i > 0 and items[i - 1][0] == "tag" and not items[i - 1][1].startswith("</"):
            i -= 1  # before the token's opening tag
        if j + 1 < len(items) and items[j + 1][0] == "tag" and items[j + 1][1].startswith("</"):
            j += 1  # after its closing tag
        if any(k in before or k in after for k in range(i, j + 1)):
            continue
        before[i] = f'<a href="{html.escape(docmap.href(ref.target))}">'
        after[j] = "</a>"
    out = [before.get(k, "") + it[1] + after.get(k, "") for k, it in enumerate(items)]
    return "".join(out), len(before)


class LinkPostprocessor(Postprocessor):
    def __init__(self, md, ext: "ApiLinksExtension"):
        super().__init__(md)
        self.ext = ext

    def run(self, text: str) -> str:
        seen: dict[str, int] = {}

        def replace(match: re.Match) -> str:
            title = match["title"]
            source = html.unescape(re.sub(r"<[^>]*>", "", match["code"]))
            refs = self.ext.refs(title, source)
            code, _ = link_code(match["code"], source, refs, self.ext.docmap)
            ident = block_id(title, seen)
            return (
                f'<div class="highlight" id="{html.escape(ident)}"><span class="filename">{title}</span>'
                f'<pre>{match["pre"] or ""}<code>{code}</code></pre></div>'
            )

        return BLOCK.sub(replace, text)


class IndexPreprocessor(Preprocessor):
    def __init__(self, md, ext: "ApiLinksExtension"):
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        if not any(line.strip() == MARKER for line in lines):
            return lines
        placeholder = self.md.htmlStash.store(self.ext.index_html())
        return [placeholder if line.strip() == MARKER else line for line in lines]


class ApiLinksExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "docs_dir": ["docs", "the pages whose snippets the index lists"],
            "index_page": ["api.md", "the page (in docs_dir) that holds the index marker, for its relative links"],
            "directory_urls": [True, "page URLs end in / (MkDocs' use_directory_urls, Zensical's default)"],
            "runtime_types": ["", "JSON file: snippet path -> {global name: qualified type} (from the executor)"],
            "map": [str(resolve.MAP), "the map of documented objects (scripts/apilinks_map.py)"],
        }
        super().__init__(**kwargs)
        self._cache: dict[tuple[str, str], list] = {}

    def extendMarkdown(self, md):
        self.md = md
        md.registerExtension(self)
        self.docmap = resolve.load_map(self.getConfig("map"))
        self.runtime = self._runtime_types()
        md.preprocessors.register(IndexPreprocessor(md, self), "apilinks_index", 28)  # after normalize_whitespace (30)
        md.postprocessors.register(LinkPostprocessor(md, self), "apilinks", 25)

    def _runtime_types(self) -> dict:
        path = self.getConfig("runtime_types")
        if path and os.path.isfile(path):
            return json.loads(Path(path).read_text())
        return {}

    def _executor(self):
        """The docexec extension of the same Markdown instance, whose runs know the type of
        every global a snippet left (``RunResult.types``); None without it."""
        return next((e for e in self.md.registeredExtensions if type(e).__module__ == "docexec.extension"), None)

    def types_of(self, title: str, file: str | None = None, wait: bool = False) -> dict | None:
        """The runtime types of a snippet's globals: from this build's runs (``wait``: run it
        if need be), else from the ``runtime_types`` file, else None (static resolution only)."""
        executor = self._executor()
        if executor is not None and executor.settings.execute and file:
            record = executor.session.records.get(file)
            if record is None and wait:
                job = next((j for j in self.site_jobs() if j.file == file), None)
                record = executor.session.obtain(job) if job else None
            if record is not None and record.runs:
                return record.runs[0].types
        return self.runtime.get(title)

    def refs(self, title: str, source: str) -> list[resolve.Ref]:
        file = self._file(title)
        key = (title, source)
        if key not in self._cache:
            self._cache[key] = resolve.references(source, self.docmap, self.types_of(title, file))
        return self._cache[key]

    def _resolve(self):
        snippets = next((e for e in self.md.registeredExtensions if type(e).__module__ == "pymdownx.snippets"), None)
        bases = list(snippets.getConfig("base_path")) if snippets else ["snippets"]

        def resolve_include(path: str):
            return next((str(Path(b, path).resolve()) for b in bases if Path(b, path).is_file()), None)

        return resolve_include

    def _docs(self) -> Path:
        """``docs_dir``, relative to the folder of mkdocs.yml as docexec's settings know it
        (so a build run from another folder finds the pages), else to the current folder."""
        executor = self._executor()
        base = executor.settings.base if executor is not None else Path.cwd()
        return base / self.getConfig("docs_dir")

    def _file(self, title: str):
        return self._resolve()(title)

    def site_jobs(self) -> list[fences.Job]:
        jobs = []
        for page in fences.site_pages(self._docs()):
            try:
                jobs += fences.page_jobs(page, self._resolve())
            except fences.PageError:
                continue  # that page fails (or, under mkdocs serve, shows why) when it is built
        return jobs

    def site_snippets(self) -> list[tuple[str, str, str, str]]:
        """(page, block id, snippet path, file) of every Python include of every page, page by
        page, read with docexec's own lexer (``fences.walk``). A page that cannot be read is
        left out: it fails, or under ``mkdocs serve`` shows why, when it is built itself."""
        docs, resolve_include = self._docs(), self._resolve()
        out = []
        for page in fences.site_pages(docs):
            seen: dict[str, int] = {}
            try:
                blocks = list(fences.walk(page.read_text(encoding="utf-8").split("\n"), resolve_include))
            except fences.PageError:
                continue
            for block in blocks:
                if not isinstance(block, fences.Fence) or not directive.is_python(block.info):
                    continue
                for line in block.body:
                    include = fences.INCLUDE.match(line)
                    if include and ":" not in include["target"] and include["target"].endswith(".py"):
                        target = include["target"]
                        out.append((page.relative_to(docs).as_posix(), block_id(target, seen), target, resolve_include(target)))
        return out

    def page_url(self, page: str) -> str:
        """``page`` (relative to docs_dir) as a link from the index page."""
        def url(p: str) -> str:
            stem = p[: -len(".md")]
            if not self.getConfig("directory_urls"):
                return stem + ".html"
            if stem == "index" or stem.endswith("/index"):
                return stem[: -len("index")]
            return stem + "/"

        here = url(self.getConfig("index_page"))
        return os.path.relpath(url(page) or ".", here or ".").replace(os.sep, "/") + ("/" if self.getConfig("directory_urls") else "")

    def usage(self):
        """documented name -> [(page, id, path)], and torch names with no page -> same."""
        used, missing = defaultdict(list), defaultdict(list)
        for page, ident, path, file in self.site_snippets():
            if file is None:
                continue
            source = fences.whole_file(Path(file).read_text(encoding="utf-8"))
            for ref in resolve.references(source, self.docmap, self.types_of(path, file, wait=True)):
                where = (page, ident, path)
                bucket = used[ref.target] if ref.target else missing[ref.name]
                if where not in bucket:
                    bucket.append(where)
        return used, missing

    def _uses_html(self, uses) -> str:
        """The snippets that use an object, grouped by page: ``backward: vjp, chain_rule``,
        each snippet linking to its block (one page name per page keeps the index light).
        An object nearly every snippet uses (``torch.cuda.is_available`` in the device line,
        ``manual_seed``) lists its pages, with how many snippets on each: ``PAGES_ONLY``."""
        pages: dict[str, list] = defaultdict(list)
        for page, ident, path in uses:
            pages[page].append((ident, path))
        if len(uses) > PAGES_ONLY:
            return f"{len(uses)} snippets on {len(pages)} pages: " + ", ".join(
                f'<a href="{self.page_url(page)}">{html.escape(page[:-3])}</a> ({len(items)})' for page, items in pages.items()
            )
        parts = []
        for page, items in pages.items():
            url = self.page_url(page)
            links = ", ".join(f'<a href="{url}#{html.escape(i)}">{html.escape(Path(p).stem)}</a>' for i, p in items)
            parts.append(f"{html.escape(page[:-3])}: {links}")
        return "; ".join(parts)

    def index_html(self) -> str:
        used, missing = self.usage()
        groups = defaultdict(list)
        for name in used:
            module = max((m for m in self.docmap.modules if name.startswith(m + ".")), key=len, default="torch")
            groups[module].append(name)
        parts = []
        for module in sorted(groups):
            slug = "api-" + module.replace(".", "-")
            parts.append(f'<h2 id="{slug}"><code>{module}</code></h2>\n<ul class="apilinks-index">')
            for name in sorted(groups[module], key=str.lower):
                short = name[len(module) + 1 :]
                href = html.escape(self.docmap.href(name))
                uses = self._uses_html(used[name])
                parts.append(f'<li><a href="{href}"><code>{html.escape(short)}</code></a>: {uses}</li>')
            parts.append("</ul>")
        total = sum(len(v) for v in used.values())
        summary = (
            f"apilinks: {len(used)} documented objects linked ({total} snippet uses), "
            f"{len(missing)} torch names not documented in the docs {self.docmap.data['docs_version']} map"
        )
        lost = "".join(
            f"<li><code>{html.escape(name)}</code>: "
            + ", ".join(f'<a href="{self.page_url(p)}#{html.escape(i)}">{html.escape(s[:-3])}</a>' for p, i, s in where)
            + "</li>"
            for name, where in sorted(missing.items())
        )
        parts.append(
            f'<details class="note"><summary>Not linked: {len(missing)} torch names with no page in the '
            f"{self.docmap.data['docs_version']} docs</summary><ul>{lost}</ul></details>"
        )
        print(summary + (": " + ", ".join(sorted(missing)) if missing else ""), file=sys.stderr)
        return "\n".join(parts)


def makeExtension(**kwargs):
    return ApiLinksExtension(**kwargs)
