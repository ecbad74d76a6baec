"""Reader-facing checks of the built site, in a real browser and on the HTML itself.

The site is built once per session (``mkdocs build -d <tmp>``) as it is deployed:
with ``SITE_URL`` set (``$SITE_URL``, or ``DEPLOYED_URL``, a GitHub Pages project
site) and ``REPO_URL`` (``$REPO_URL``, or ``DEPLOYED_REPO``: the repository link,
"edit this page" and "Open in Colab" are on the pages), and served by a stdlib HTTP
server on 127.0.0.1 under that URL's path (``/autograd-docs/``), so links that only
work at the server root, such as the 404 page's absolute ones, would be caught.

Browser tests drive Debian's ``chromium`` through Playwright for Python (no
``playwright install``: the browser comes from apt). Every request that does not
go to that local server is aborted and recorded, so a page that tries to reach a
CDN, a font host or a tracker fails its test even on a machine with network.
They are marked ``browser`` and skipped, with the reason shown, where Playwright
or chromium is missing; every test in this folder is also marked ``site`` (both
markers are declared in pyproject.toml; ``-m "not site"`` leaves the folder out).

CI sets ``SITE_TESTS_REQUIRE_BROWSER=1``: there, a missing browser or axe-core
fails instead of skipping, so the checks cannot pass by not running.

Environment: ``CHROMIUM`` (path of the browser, default: ``chromium`` on PATH),
``AXE_CORE_JS`` (path of ``axe.min.js``, default: the copy the PyPI package
``axe-playwright-python`` ships, installed by ``pip install -e '.[test]'``; its axe-core
version is checked against ``AXE_CORE_VERSION``).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from docexec import directive, fences

from .copyrun import CopyRuns, python_blocks

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
SCREENSHOTS = ROOT / "build" / "screenshots"
# axe-core comes from PyPI: axe-playwright-python (pinned in pyproject.toml's test extra)
# ships axe.min.js beside its code. We load the file ourselves, not through its API.
AXE_PACKAGE = "axe_playwright_python"
AXE_CORE_VERSION = "4.12.1"  # the axe-core release that the pinned package ships

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

# A page whose Markdown holds this marker is the build's execution report (timings: not reproducible).
REPORT_MARKER = "<!-- docexec:report -->"

# Material renders Mermaid into a *closed* shadow root; open it in tests so that we
# can see the SVG (and axe-core can check what a screen reader reads in it).
OPEN_SHADOW_ROOTS = """
(() => {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    return attach.call(this, Object.assign({}, init, {mode: "open"}));
  };
})();
"""


COPY_RUN_TEST = "test_copy_run.py::test_every_python_block_runs_as_copied"
COPY_RUN_SELECTED = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.site)
            # Under pytest -n (xdist --dist loadgroup) they share one worker, so the site is built once.
            item.add_marker(pytest.mark.xdist_group("site"))
            if {"browser", "_chromium"} & set(item.fixturenames):
                item.add_marker(pytest.mark.browser)
    # The copy-run test's subprocesses start in the background as soon as the site is
    # built and overlap the browser tests; the test that waits for them goes last.
    late = [item for item in items if item.nodeid.endswith(COPY_RUN_TEST)]
    for item in late:
        items.remove(item)
        items.append(item)
    config.stash[COPY_RUN_SELECTED] = bool(late)


# --------------------------------------------------------------------------- pages


@functools.lru_cache(maxsize=None)
def mkdocs_config():
    """mkdocs.yml as MkDocs reads it, for its nav. Loading it builds the
    Markdown extensions, and docexec.extension then queues every snippet of the site on
    a worker; with DOCEXEC_EXECUTE=0 it does not, so collecting this folder runs nothing."""
    from mkdocs.config import load_config

    before = os.environ.get("DOCEXEC_EXECUTE")
    os.environ["DOCEXEC_EXECUTE"] = "0"
    try:
        return load_config(str(ROOT / "mkdocs.yml"))
    finally:
        if before is None:
            del os.environ["DOCEXEC_EXECUTE"]
        else:
            os.environ["DOCEXEC_EXECUTE"] = before


def nav_files(nav=None) -> list[str]:
    """The page sources listed in mkdocs.yml's nav (strict mode rejects pages left out of it)."""
    found = []
    for entry in mkdocs_config()["nav"] if nav is None else nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            found += nav_files(value)
        elif not re.match(r"^[a-z]+://", value):
            found.append(value)
    return found


def source_pages() -> list[Path]:
    return [DOCS / name for name in nav_files()]


def page_path(source: Path) -> str:
    """The page's URL path relative to the site root (use_directory_urls)."""
    rel = source.relative_to(DOCS).with_suffix("")
    if rel.name in {"index", "README"}:
        rel = rel.parent
    return "" if str(rel) == "." else f"{rel.as_posix()}/"


PAGES = [page_path(p) for p in source_pages()]
NOTEBOOK_PAGES = [page_path(p) for p in source_pages() if p.suffix == ".ipynb"]  # rendered by mkdocs-jupyter
ALL_PAGES = PAGES + ["404.html"]  # the 404 page is reader-facing too


def page_id(path: str) -> str:
    return path.strip("/") or "home"


def html_file(site_dir: Path, path: str) -> Path:
    return site_dir / (path + "index.html" if path == "" or path.endswith("/") else path)


def markdown_lines(path: str) -> list[str]:
    """The Markdown source of the page at ``path``, as lines; none for a page that is not Markdown."""
    source = next((s for s in source_pages() if page_path(s) == path), None)
    return source.read_text().split("\n") if source and source.suffix == ".md" else []


def exec_fence_count(path: str) -> int:
    """The page's exec fences, read as the build reads them (``docexec.fences.walk``)."""
    return len(fences.mark_outputs(markdown_lines(path), fences.resolver(SNIPPETS))[1])


def python_fence_count(path: str) -> int:
    """The page's Python fences, exec or not, read with docexec's own lexer (``fences.walk``),
    each one's language however it is spelled (``directive.is_python``)."""
    blocks = fences.walk(markdown_lines(path), fences.resolver(SNIPPETS))
    return sum(isinstance(block, fences.Fence) and directive.is_python(block.info) for block in blocks)


def report_pages() -> set[str]:
    return {page_path(s) for s in source_pages() if s.suffix == ".md" and REPORT_MARKER in s.read_text()}


def snippet_as_included(name: str) -> str:
    """``snippets/<name>`` as pymdownx.snippets pastes a whole file: section marker lines dropped."""
    return fences.whole_file((SNIPPETS / name).read_text())


# --------------------------------------------------------------------------- build


# Where the browser tests' build says it is published; $SITE_URL wins. Any host will do
# (nothing fetches it): what matters is the path, as under GitHub Pages' /<repository>/.
DEPLOYED_URL = "https://owner.github.io/autograd-docs/"


def site_url() -> str:
    url = os.environ.get("SITE_URL") or DEPLOYED_URL
    return url if url.endswith("/") else url + "/"


# The repository the deploy workflow names (REPO_URL, EDIT_URI): the repository link, "edit
# this page" and "Open in Colab" are on every page, as deployed; $REPO_URL wins.
DEPLOYED_REPO = "https://github.com/owner/autograd-docs"


def repo_url() -> str:
    return (os.environ.get("REPO_URL") or DEPLOYED_REPO).rstrip("/")


def build_site(dest: Path) -> None:
    """A clean ``mkdocs build -d dest`` from the repository root, as the deploy workflow
    builds it: published at ``site_url()``, from the repository ``repo_url()``. Every
    snippet runs (docexec's result cache is pointed at an empty folder beside ``dest``).
    Fails the test with mkdocs' own words."""
    cache = dest.parent / f"{dest.name}-docexec-cache"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DOCEXEC_CACHE_DIR=str(cache), SITE_URL=site_url(),
               REPO_URL=repo_url(), EDIT_URI=os.environ.get("EDIT_URI") or "edit/main/docs/")
    done = subprocess.run(
        # Not --quiet: it silences the warnings that strict mode counts, and a broken link would pass.
        [sys.executable, "-m", "mkdocs", "build", "-d", str(dest)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
    )
    if done.returncode:
        pytest.fail(f"mkdocs build failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}")


@dataclass
class Site:
    dir: Path
    prefix: str  # URL path the site is served under, e.g. "/autograd-docs/"
    url: str = ""  # the address it was built for (canonical links, sitemap), e.g. https://owner.github.io/autograd-docs/
    repo: str = ""  # the repository it was built from (REPO_URL), e.g. https://github.com/owner/autograd-docs
    copy_runs: CopyRuns | None = None

    def html_files(self) -> list[Path]:
        return sorted(self.dir.rglob("*.html"))


def _site_prefix(url: str) -> str:
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else path + "/"


def _start_copy_runs(site: Site, request) -> CopyRuns:
    runs = site.copy_runs = CopyRuns(python_blocks(site.dir, PAGES, html_file))
    request.addfinalizer(runs.close)
    return runs


@pytest.fixture(scope="session")
def site(tmp_path_factory, request) -> Site:
    dest = tmp_path_factory.mktemp("site-a") / "site"
    build_site(dest)
    built = Site(dest, _site_prefix(site_url()), site_url(), repo_url())
    if request.config.stash.get(COPY_RUN_SELECTED, False):
        _start_copy_runs(built, request)  # now, in the background: see copyrun.py
    return built


@pytest.fixture(scope="session")
def copy_runs(site, request) -> CopyRuns:
    return site.copy_runs or _start_copy_runs(site, request)


# --------------------------------------------------------------------------- server


class _Handler(SimpleHTTPRequestHandler):
    prefix = "/"

    def translate_path(self, path):
        path = unquote(urlsplit(path).path)
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "\0-outside-the-site")  # -> 404
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, *args):  # quiet
        pass


@dataclass
class Server:
    origin: str  # http://127.0.0.1:PORT
    prefix: str

    def url(self, path: str = "") -> str:
        return f"{self.origin}{self.prefix}{path}"

    def is_local(self, url: str) -> bool:
        return url == self.origin or url.startswith(self.origin + "/")


@pytest.fixture(scope="session")
def server(site) -> Server:
    handler = functools.partial(type("Handler", (_Handler,), {"prefix": site.prefix}), directory=str(site.dir))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    yield Server(f"http://127.0.0.1:{httpd.server_port}", site.prefix)
    httpd.shutdown()
    httpd.server_close()


# --------------------------------------------------------------------------- browser


def chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if candidate and os.access(candidate, os.X_OK) else None


def missing(reason: str):
    """Skip, with the reason shown; in CI (SITE_TESTS_REQUIRE_BROWSER=1), fail."""
    if os.environ.get("SITE_TESTS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (required: SITE_TESTS_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def _chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed (pip install -e '.[test]'; no browser download needed)")
    exe = chromium_path()
    if exe is None:
        missing("no chromium executable (apt-get install chromium, or set CHROMIUM=/path/to/chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Visit:
    """A page opened in its own browser context, with everything that went wrong on the way."""

    page: object
    context: object
    path: str  # relative to the site root: "", "backward/", "404.html"
    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    third_party: list[str] = field(default_factory=list)  # requests that were blocked
    dialogs: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"uncaught exception: {m}" for m in self.page_errors]
            + [f"request failed: {m}" for m in self.failed_requests]
            + [f"HTTP error: {m}" for m in self.bad_responses]
            + [f"third-party request (blocked): {m}" for m in self.third_party]
            + [f"dialog opened: {m}" for m in self.dialogs]
        )


def diagram_count(site_dir: Path, path: str) -> int:
    return html_file(site_dir, path).read_text().count('<pre class="mermaid">')


class Browser:
    def __init__(self, chromium, server: Server, site: Site):
        self.chromium, self.server, self.site = chromium, server, site
        self.contexts = []

    def open(self, path: str, *, scheme: str = "light", viewport: dict = DESKTOP,
             clipboard: bool = False, wait_until: str = "load") -> Visit:
        context = self.chromium.new_context(
            viewport=viewport, color_scheme=scheme, reduced_motion="reduce", service_workers="block"
        )
        self.contexts.append(context)
        if clipboard:
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=self.server.origin)
        context.add_init_script(OPEN_SHADOW_ROOTS)
        page = context.new_page()
        visit = Visit(page, context, path, self.server.url(path))

        def route(r):
            if self.server.is_local(r.request.url):
                r.continue_()
            else:
                visit.third_party.append(r.request.url)
                r.abort("blockedbyclient")

        context.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and visit.console_errors.append(f"{m.text} ({m.location.get('url')})"))
        page.on("pageerror", lambda e: visit.page_errors.append(str(e)))
        page.on(
            "requestfailed",
            lambda r: self.server.is_local(r.url) and visit.failed_requests.append(f"{r.url}: {r.failure}"),
        )
        page.on("response", lambda r: r.status >= 400 and visit.bad_responses.append(f"{r.status} {r.url}"))

        def on_dialog(dialog):
            visit.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(visit.url, wait_until=wait_until)
        self.wait_ready(visit, path)
        return visit

    def wait_ready(self, visit: Visit, path: str) -> None:
        """Fonts loaded and every diagram drawn (and labelled) by Mermaid."""
        n = diagram_count(self.site.dir, path)
        try:
            visit.page.wait_for_function(
                "n => document.querySelectorAll('div.mermaid[role=img]').length >= n", arg=n, timeout=20_000
            )
        except Exception as error:  # playwright's TimeoutError
            problems = "\n".join(visit.problems()) or "no error reported"
            pytest.fail(f"{visit.url}: {n} diagram(s) expected, not all drawn ({error.__class__.__name__}):\n{problems}")
        visit.page.evaluate("document.fonts.ready.then(() => true)")

    def close_visit(self, visit: Visit) -> None:
        if visit.context in self.contexts:
            self.contexts.remove(visit.context)
            visit.context.close()

    def close(self):
        for context in self.contexts:
            context.close()
        self.contexts.clear()


@pytest.fixture(scope="session")
def browser(_chromium, server, site):
    for old in SCREENSHOTS.glob("*.png") if SCREENSHOTS.is_dir() else []:
        old.unlink()  # screenshots from an earlier run, of pages that may be gone
    b = Browser(_chromium, server, site)
    yield b
    b.close()


def axe_core_js() -> Path | None:
    """``$AXE_CORE_JS``, or the ``axe.min.js`` inside the installed axe-playwright-python."""
    if os.environ.get("AXE_CORE_JS"):
        candidate = Path(os.environ["AXE_CORE_JS"])
    else:
        spec = importlib.util.find_spec(AXE_PACKAGE)  # finds the file without importing the package
        if spec is None or not spec.submodule_search_locations:
            return None
        candidate = Path(next(iter(spec.submodule_search_locations))) / "axe.min.js"
    return candidate if candidate.is_file() else None


def axe_core_version(path: Path) -> str | None:
    """The version in axe.min.js's licence header (``/*! axe v4.12.1``)."""
    found = re.match(r"/\*! axe v(\S+)", path.read_text(encoding="utf-8")[:200])
    return found[1] if found else None


def run_axe(page) -> list[dict]:
    """axe-core's violations on the page as it is now (WCAG 2.x A/AA and best practices)."""
    axe = axe_core_js()
    if axe is None:
        missing("axe-core not found: it comes with the test extra (pip install -e '.[test]' installs "
                "axe-playwright-python, which ships axe.min.js), or set AXE_CORE_JS=/path/to/axe.min.js")
    if page.evaluate("typeof axe === 'undefined'"):
        page.add_script_tag(path=str(axe))
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
        }))"""
    )
