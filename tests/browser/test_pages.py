"""Every page in chromium, with every request to another host blocked: it loads
whole, draws its diagrams, shows executed output as text only, passes axe-core,
fits a phone screen; screenshots of each go to build/screenshots/ for review.

Each page is opened twice, on a desktop and at 375 px wide, and the checks below
share those visits (pytest runs them page by page, in the order written here). The
dark-scheme checks switch the desktop visit to dark with the palette toggle, as a
reader would; the copy-button clicks come last, after the screenshots.
"""

from __future__ import annotations

import gzip
import hashlib
import re

import pytest

from .conftest import (
    ALL_PAGES, AXE_CORE_VERSION, DOCS, NOTEBOOK_PAGES, PHONE, ROOT, SCREENSHOTS, axe_core_js, axe_core_version,
    diagram_count, html_file, missing, page_id, python_fence_count, run_axe, snippet_as_included,
)

FAILING_IMPACTS = {"serious", "critical"}

# Show a block that sits in a tab not selected or in a closed <details>, as a reader would.
REVEAL = """block => {
    for (let e = block; e; e = e.parentElement) {
        if (e.tagName === "DETAILS") e.open = true;
        if (e.classList.contains("tabbed-block")) {
            const index = [...e.parentElement.children].indexOf(e);
            e.closest(".tabbed-set").querySelectorAll(":scope > .tabbed-labels > label")[index].click();
        }
    }
}"""


def _open(request, browser, **kwargs):
    visit = browser.open(request.param, **kwargs)
    yield visit
    browser.close_visit(visit)


@pytest.fixture(scope="module", params=ALL_PAGES, ids=page_id)
def desktop(request, browser):
    # networkidle: requests made after "load" (the search index, Mermaid) are seen too.
    yield from _open(request, browser, scheme="light", wait_until="networkidle", clipboard=True)


@pytest.fixture(scope="module", params=ALL_PAGES, ids=page_id)
def phone(request, browser):
    yield from _open(request, browser, viewport=PHONE)


def switch_scheme(visit, scheme: str) -> None:
    """Click the palette toggle until the page shows ``scheme`` (default or slate)."""
    page = visit.page
    for _ in range(2):
        if page.evaluate("document.body.dataset.mdColorScheme") == scheme:
            return
        page.locator("form[data-md-component=palette] label:visible").click()
    assert page.evaluate("document.body.dataset.mdColorScheme") == scheme


def screenshot(visit, variant: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.screenshot(path=SCREENSHOTS / f"{page_id(visit.path).replace('/', '-')}-{variant}.png", full_page=True)


def serious(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        if v["impact"] in FAILING_IMPACTS:
            lines.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} elements)")
            lines += [f"    {n['target']}: {n['summary'].splitlines()[-1].strip()}" for n in v["nodes"][:5]]
    return "\n".join(lines)


# --------------------------------------------------------------------------- the site as built


def test_every_built_page_is_checked(site):
    """The pages visited here are exactly the HTML pages the build wrote."""
    built = {p.relative_to(site.dir).as_posix() for p in site.html_files()}
    visited = {html_file(site.dir, p).relative_to(site.dir).as_posix() for p in ALL_PAGES}
    assert built == visited, f"built but not checked: {sorted(built - visited)}; missing: {sorted(visited - built)}"


def test_vendored_mermaid_is_the_recorded_release():
    """docs/javascripts/mermaid.min.js is the npm release README.txt names, unmodified."""
    readme = (DOCS / "javascripts" / "README.txt").read_text()
    recorded = re.search(r"`mermaid\.min\.js`.*?sha256 `([0-9a-f]{64})`", readme)
    assert recorded, "docs/javascripts/README.txt records no sha256 for mermaid.min.js"
    actual = hashlib.sha256((DOCS / "javascripts" / "mermaid.min.js").read_bytes()).hexdigest()
    assert actual == recorded[1], "mermaid.min.js changed: update docs/javascripts/README.txt with its version and hash"


def test_axe_core_comes_with_the_test_extra():
    """axe-core is installed by pip with the test extra (axe-playwright-python ships
    axe.min.js), and it is the release the pin was chosen for: a new release of the
    package may bring new rules, so bumping the pin means updating AXE_CORE_VERSION."""
    axe = axe_core_js()
    if axe is None:
        missing("axe-core not found: pip install -e '.[test]' installs it (axe-playwright-python)")
    assert axe_core_version(axe) == AXE_CORE_VERSION, f"{axe} is axe-core {axe_core_version(axe)}"


# --------------------------------------------------------------------------- light, desktop


def test_loads_whole_with_the_network_blocked(desktop, site):
    """No console error, no failed request, no request to any other host (each is
    blocked and listed), and the page is all there: styles, images, text."""
    assert not desktop.problems(), "\n".join(desktop.problems())
    state = desktop.page.evaluate(
        """() => ({
            h1: (document.querySelector("article h1") || {}).textContent || "",
            text: (document.querySelector("article") || {innerText: ""}).innerText.length,
            sheets: [...document.querySelectorAll("link[rel=stylesheet]")].filter(l => !l.sheet).map(l => l.href),
            images: [...document.images].filter(i => !i.complete || !i.naturalWidth).map(i => i.src),
            headerStyled: getComputedStyle(document.querySelector(".md-header")).position !== "static",
            loaded: performance.getEntriesByType("resource").map(e => e.name),
        })"""
    )
    path = desktop.path
    assert state["h1"].strip(), "no <h1> in the article"
    assert state["text"] > (10 if path == "404.html" else 200), "the article is (almost) empty"
    assert not state["sheets"], f"stylesheets not applied: {state['sheets']}"
    assert state["headerStyled"], "Material's stylesheet is not in effect"
    assert not state["images"], f"images that did not load: {state['images']}"
    mermaid = [u for u in state["loaded"] if u.endswith("/mermaid.min.js")]
    if diagram_count(site.dir, path):  # Mermaid comes from this site, and only where it is needed
        assert mermaid and all(u.startswith(desktop.url.split(site.prefix)[0]) for u in mermaid), state["loaded"]
    else:
        assert not mermaid, "a page without diagrams loaded Mermaid"


def test_the_repository_link_asks_github_for_nothing(browser, site):
    """Privacy, with REPO_URL set as the deploy workflow sets it: the header links to the
    repository, and Material's repository widget is turned off. That widget (its "source"
    component) asks api.github.com for the repository's stars, forks and latest release on
    every page a reader opens; overrides/partials/source.html leaves its mark out, so no
    page carries it and opening one requests nothing from GitHub (or any other host)."""
    marked = [p.relative_to(site.dir).as_posix() for p in site.html_files()
              if 'data-md-component="source"' in p.read_text()]
    assert not marked, f"pages that would ask api.github.com for the repository's facts: {marked}"
    visit = browser.open("", wait_until="networkidle")
    links = visit.page.locator("a.md-source").evaluate_all("links => links.map(a => a.href)")
    assert links and {link.rstrip("/") for link in links} == {site.repo}, links
    assert visit.page.locator(".md-source__facts").count() == 0
    assert not visit.third_party, f"requests to other hosts: {visit.third_party}"
    assert not visit.problems(), visit.problems()


# Page weight. A page's own bytes are its HTML plus whatever it requests outside the
# files every page shares (Material's CSS and JS, ours, the search index, the sitemap,
# Mermaid). Budget: 200 KB uncompressed, about 40 KB as GitHub Pages sends it (gzip).
# Why: a page is prose plus its snippets, each shown as highlighted code and its
# output, about 7 KB of HTML per snippet, on a 17 KB page frame; figures are inline
# SVG (30 KB each on backward/). The largest page, backward/, is 183 KB once its
# notebook is a file rather than base64 in the page: 18 snippets and 2 figures. A
# page past 200 KB holds more than about 25 snippets and reads better as two pages.
# What it catches is data a page carries and does not show: a base64 copy of its
# notebook (50 KB on backward/), a stylesheet for widgets it has none of.
PAGE_BUDGET = 200_000
# Every request of a first visit, shared assets included: Mermaid (3.6 MB, only on
# pages with a diagram) + Material, our scripts and the search index (about 0.6 MB)
# + the page's own budget, with a margin for Material updates.
VISIT_BUDGET = 5_000_000
SHARED = re.compile(r"^(?:(?:assets|javascripts|stylesheets|search)/|sitemap\.xml)")  # Material's instant loading reads the sitemap
WEIGHTS = ROOT / "build" / "page-weight.txt"


@pytest.fixture(scope="module")
def page_weights():
    """One line per page, written to build/page-weight.txt once the module is done."""
    lines: dict[str, str] = {}
    yield lines
    if lines:
        WEIGHTS.parent.mkdir(exist_ok=True)
        WEIGHTS.write_text("".join(lines[p] + "\n" for p in ALL_PAGES if p in lines))


def test_page_weight_is_within_budget(desktop, site, page_weights, capsys):
    """Each page's transfer size on a first visit (fresh browser context, every request
    the page made until the network was idle), printed and written to build/page-weight.txt."""
    entries = desktop.page.evaluate(
        """() => [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
                 .map(e => ({url: e.name, transfer: e.transferSize, body: e.encodedBodySize}))"""
    )
    site_root = desktop.url[: len(desktop.url) - len(desktop.path)]
    own = [e for e in entries if not SHARED.match(e["url"].removeprefix(site_root))]
    own_bytes = sum(e["body"] for e in own)
    visit_bytes = sum(e["transfer"] for e in entries)
    html = html_file(site.dir, desktop.path).read_bytes()
    line = (
        f"{desktop.path or '/':<28} page {own_bytes / 1000:6.1f} KB ({len(gzip.compress(html)) / 1000:5.1f} KB gzipped HTML)"
        f"   first visit {visit_bytes / 1000:7.1f} KB in {len(entries)} requests"
    )
    page_weights[desktop.path] = line
    with capsys.disabled():
        print(f"\npage weight: {line}")
    assert visit_bytes <= VISIT_BUDGET, f"{visit_bytes} bytes on a first visit, budget {VISIT_BUDGET}: {entries}"
    if desktop.path in NOTEBOOK_PAGES:
        # mkdocs-jupyter's template inlines JupyterLab's stylesheet (about 590 KB) into every
        # notebook page. That part is known and expected to fail; the rest of the page (its
        # cells, outputs and figures) is held to the budget like any page. Strict: a notebook
        # page without that stylesheet (published as raw JSON, as it once was, or a template
        # that no longer inlines it) fails here instead of passing unnoticed.
        styles = sum(len(m) for m in re.findall(rb"<style.*?</style>", html, re.S))
        assert styles > 100_000, (
            f"{desktop.path}: {styles} bytes of inline <style>, not JupyterLab's stylesheet: is the notebook "
            "rendered (test_notebook_page.py)? If mkdocs-jupyter stopped inlining it, remove this xfail")
        assert own_bytes - styles <= PAGE_BUDGET, (
            f"{desktop.path}: {own_bytes - styles} bytes of its own besides {styles} of inline <style>, "
            f"budget {PAGE_BUDGET}")
        pytest.xfail(f"{own_bytes} bytes, {styles} of them inline <style>: mkdocs-jupyter's template inlines "
                     "JupyterLab's stylesheet into every notebook page, for widgets it does not have")
    hidden = sum(len(m) for m in re.findall(rb'href="(data:[^"]*)"', html))  # downloads carried inline
    assert own_bytes <= PAGE_BUDGET, (
        f"{desktop.path}: {own_bytes} bytes of its own, budget {PAGE_BUDGET} ({hidden} in data: links the page "
        "does not show; a long page is two pages): "
        + ", ".join(f"{e['url'].removeprefix(site_root)} {e['body']}" for e in own)
    )


def test_diagrams_are_drawn_and_labelled(desktop, site):
    """Every ```mermaid block became an <svg>, in a host that has a text alternative."""
    diagrams = desktop.page.evaluate(
        """() => ({
            pending: document.querySelectorAll("pre.mermaid").length,
            drawn: [...document.querySelectorAll("div.mermaid")].map(d => {
                const svg = d.shadowRoot && d.shadowRoot.querySelector("svg");
                const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
                return {svg: !!svg, width: box.width, height: box.height,
                        role: d.getAttribute("role"), label: d.getAttribute("aria-label") || ""};
            }),
        })"""
    )
    assert diagrams["pending"] == 0, "a diagram was left as Mermaid source"
    assert len(diagrams["drawn"]) == diagram_count(site.dir, desktop.path)
    for i, d in enumerate(diagrams["drawn"]):
        assert d["svg"] and d["width"] > 50 and d["height"] > 50, f"diagram {i} was not drawn: {d}"
        # read from the diagram's source by docs/javascripts/mermaid.js: "Flowchart, ...: A → B; ..."
        assert d["role"] == "img" and "→" in d["label"] and not d["label"].startswith("Diagram:"), d


def test_output_blocks_hold_text_only(desktop, site):
    """What a snippet printed is shown as text: nothing but the highlighter's <span>s
    inside an output block, no <script> in one, and no dialog opened on the page. (Pages
    without executed output, such as the 404 page, are checked too: none, and no dialog.)"""
    found = desktop.page.evaluate(
        """() => {
            const blocks = [...document.querySelectorAll(".highlight")].filter(b => {
                const name = b.querySelector(":scope > .filename");
                return name && name.textContent.startsWith("Output");
            });
            return {
                count: blocks.length,
                scripts: blocks.reduce((n, b) => n + b.querySelectorAll("script").length, 0),
                foreign: blocks.flatMap(b => [...b.querySelectorAll("code *")]
                    .filter(e => e.tagName !== "SPAN" || e.attributes.length > 1 ||
                                 (e.attributes.length === 1 && e.attributes[0].name !== "class"))
                    .map(e => e.outerHTML.slice(0, 120))),
            };
        }"""
    )
    assert found["count"] == html_file(site.dir, desktop.path).read_text().count('<span class="filename">Output')
    assert found["scripts"] == 0
    assert not found["foreign"], f"markup inside output blocks: {found['foreign']}"
    assert not desktop.dialogs, desktop.dialogs


def test_screenshot_light(desktop):
    screenshot(desktop, "light")


def test_axe_light(desktop):
    """No serious or critical axe-core violation (the page is left with axe injected: last)."""
    violations = run_axe(desktop.page)
    for v in violations:
        print(f"{desktop.path or '/'} light: {v['impact']} {v['id']} ({len(v['nodes'])})")
    assert not serious(violations), "\n" + serious(violations)


# --------------------------------------------------------------------------- dark, desktop


def test_screenshot_dark(desktop):
    switch_scheme(desktop, "slate")
    screenshot(desktop, "dark")


def test_axe_dark(desktop):
    switch_scheme(desktop, "slate")
    violations = run_axe(desktop.page)
    for v in violations:
        print(f"{desktop.path or '/'} dark: {v['impact']} {v['id']} ({len(v['nodes'])})")
    assert not serious(violations), "\n" + serious(violations)


# --------------------------------------------------------------------------- last: clicks

def test_copy_buttons_copy_exactly_the_snippet(desktop):
    """Material's copy button on each code block titled with a snippet file puts that
    file on the clipboard, as pymdownx.snippets included it: no output, no prompt, no
    line numbers (Material trims trailing whitespace). Every such block on the page; a
    page without Python fences must show none (nothing to copy is checked, not skipped)."""
    page = desktop.page
    blocks = page.locator(".highlight:has(> .filename)")
    checked = []
    for i, title in enumerate(blocks.locator(":scope > .filename").all_inner_texts()):
        if not title.endswith(".py"):
            continue
        block = blocks.nth(i)
        block.evaluate(REVEAL)
        page.evaluate("navigator.clipboard.writeText('(clipboard not written)')")
        block.locator('button[data-md-type="copy"], button.md-clipboard').click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == snippet_as_included(title).rstrip(), f"the copy button of {title} copied:\n{copied[:500]}"
        checked.append(title)
    assert len(checked) == python_fence_count(desktop.path), f"copy buttons checked: {checked}"
    assert not desktop.problems(), desktop.problems()


# --------------------------------------------------------------------------- 375 px


def test_no_horizontal_scroll_on_a_phone(phone):
    """At 375 px nothing pushes the page sideways; code blocks and tables scroll inside themselves."""
    screenshot(phone, "375px")
    width = phone.page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,"
        " body: document.body.scrollWidth})"
    )
    if max(width["scroll"], width["body"]) > width["client"]:
        wide = phone.page.evaluate(
            """limit => [...document.querySelectorAll("body *")].filter(e => {
                    const r = e.getBoundingClientRect();
                    return r.width && r.right > limit + 1 && getComputedStyle(e).position !== "fixed"
                        && !e.parentElement.closest("pre, .highlight, .md-typeset__scrollwrap, .md-sidebar, .md-search");
                }).slice(0, 10).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`
                                        + ` right=${Math.round(e.getBoundingClientRect().right)}`)""",
            width["client"],
        )
        pytest.fail(f"{width['scroll']} px wide in a {width['client']} px viewport; too wide: {wide}")


def test_copy_buttons_sit_clear_of_the_text_on_a_phone(phone):
    """Each block's copy button (always shown on a touch screen) lies outside the text it
    copies, in the block's title bar: at 375 px it used to cover the end of an output's
    first line, with a background of its own."""
    overlaps = phone.page.evaluate(
        """() => [...document.querySelectorAll(".md-typeset .highlight")].flatMap(block => {
            const nav = block.querySelector(".md-code__nav"), code = block.querySelector("pre > code");
            if (!nav || !code) return [];
            const a = nav.getBoundingClientRect(), b = code.getBoundingClientRect();
            if (!a.width || !b.width) return [];  // in a tab not selected, or a closed <details>
            const apart = a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5 || a.right <= b.left + 0.5 || b.right <= a.left + 0.5;
            return apart ? [] : [`${(block.querySelector(".filename") || {}).textContent}: button at`
                                 + ` ${Math.round(a.top)}..${Math.round(a.bottom)}, text from ${Math.round(b.top)}`];
        })"""
    )
    assert not overlaps, "copy buttons over the text:\n" + "\n".join(overlaps)


# Only the backgrounds: the text and the copy button hidden, so that the pixels at a block's
# edges show what the block draws there and not a letter cut in half.
BACKGROUNDS_ONLY = """
.md-typeset .highlight code, .md-typeset .highlight code * { color: transparent !important;
  text-decoration: none !important; text-shadow: none !important; }
.md-typeset .md-code__nav { visibility: hidden !important; }
"""


def _edges(element) -> tuple[int, int]:
    """How far the grey level at the left and at the right edge of ``element`` (a code
    block, as drawn) is from the one in its middle, on the row halfway down."""
    import io

    from PIL import Image  # comes with matplotlib, a dependency of the site

    image = Image.open(io.BytesIO(element.screenshot(animations="disabled"))).convert("L")
    width, height = image.size
    row = height // 2
    middle = image.getpixel((width // 2, row))
    return abs(image.getpixel((1, row)) - middle), abs(image.getpixel((width - 2, row)) - middle)


def test_wide_lines_show_that_they_scroll_on_a_phone(phone):
    """A line wider than the screen is cut at the block's edge; a shadow there says that the
    block scrolls that way (a phone shows no scroll bar): at the right edge while there is
    more to the right, at the left once scrolled. A block that does not scroll shows none."""
    page = phone.page
    page.add_style_tag(content=BACKGROUNDS_ONLY)
    codes = page.locator(".md-typeset .highlight pre > code:visible")
    kinds = codes.evaluate_all("codes => codes.map(c => c.scrollWidth > c.clientWidth + 1)")
    checked = []
    for wide in (True, False):
        if wide not in kinds:
            continue
        code = codes.nth(kinds.index(wide))
        code.evaluate("c => { c.scrollLeft = 0; }")
        code.scroll_into_view_if_needed()
        left, right = _edges(code)
        if wide:
            assert right >= 20 and left <= 3, f"no shadow at the right edge of a block that scrolls: {left=} {right=}"
            code.evaluate("c => { c.scrollLeft = c.scrollWidth; }")
            left, right = _edges(code)
            assert left >= 20 and right <= 3, f"scrolled to its end, the block should shade its left edge: {left=} {right=}"
        else:
            assert left <= 3 and right <= 3, f"a shadow on a block that does not scroll: {left=} {right=}"
        checked.append("wide" if wide else "narrow")
    if phone.path == "debugging/":  # tracebacks: lines far wider than 375 px
        assert "wide" in checked, kinds
