"""What a reader does: search, switch to dark and back (copying code: test_pages.py)."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize(("query", "expected"), [("retain_graph", "backward/"), ("inference_mode", "grad_modes/")])
def test_search_finds_the_page(browser, server, query, expected):
    """The search box (lunr, in a web worker, built from search/search_index.json) finds the page."""
    visit = browser.open("")
    page = visit.page
    box = page.locator(".md-search__input")
    box.click()
    box.press_sequentially(query)
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    links = page.locator(".md-search-result__item > .md-search-result__link").evaluate_all(
        "links => links.map(a => a.href)"
    )
    pages = list(dict.fromkeys(re.split(r"[?#]", link)[0].removeprefix(server.url()) for link in links))
    assert expected in pages, f"search for {query!r} found {pages}"
    assert not visit.problems(), visit.problems()


# --------------------------------------------------------------------------- palette


def _rgba(css: str) -> tuple[float, float, float, float]:
    parts = [float(x) for x in re.findall(r"[\d.]+", css)]
    return (*parts[:3], parts[3] if len(parts) > 3 else 1.0)


def _over(top, bottom):
    """``top`` (rgba) composited over an opaque ``bottom``."""
    a = top[3]
    return tuple(top[i] * a + bottom[i] * (1 - a) for i in range(3)) + (1.0,)


def _luminance(rgb) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, backgrounds: list[str]) -> float:
    """WCAG contrast of text colour ``fg`` over the stack of ``backgrounds`` (innermost first)."""
    bg = (255.0, 255.0, 255.0, 1.0)  # the canvas
    for layer in reversed(backgrounds):
        bg = _over(_rgba(layer), bg)
    fg_rgb = _over(_rgba(fg), bg)
    light, dark = sorted((_luminance(fg_rgb), _luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


COLOURS = """sel => {
    const el = document.querySelector(sel);
    const backgrounds = [];
    for (let e = el; e; e = e.parentElement) backgrounds.push(getComputedStyle(e).backgroundColor);
    return {color: getComputedStyle(el).color, backgrounds};
}"""
TOKENS = """() => {
    const code = document.querySelector(".md-content .highlight code");
    const seen = {};
    for (const span of code.querySelectorAll("span[class]")) {
        if (!span.textContent.trim()) continue;
        const color = getComputedStyle(span).color;
        seen[color] = seen[color] || span.className;
    }
    const backgrounds = [];
    for (let e = code; e; e = e.parentElement) backgrounds.push(getComputedStyle(e).backgroundColor);
    return {tokens: seen, backgrounds};
}"""


def legibility(page) -> dict[str, float]:
    """Contrast ratios: body text, a code block's text, and each token colour in it."""
    ratios = {}
    for name, sel in [("body text", ".md-content .md-typeset p"), ("code", ".md-content .highlight code")]:
        c = page.evaluate(COLOURS, sel)
        ratios[name] = contrast(c["color"], c["backgrounds"])
    t = page.evaluate(TOKENS)
    for color, cls in t["tokens"].items():
        ratios[f"code token .{cls} {color}"] = contrast(color, t["backgrounds"])
    return ratios


def test_palette_toggle_switches_and_both_schemes_are_legible(browser):
    """The header toggle flips data-md-color-scheme default <-> slate; in both, body
    text, code and every syntax colour in a code block reach 4.5:1."""
    visit = browser.open("backward/")
    page = visit.page
    scheme = lambda: page.evaluate("document.body.dataset.mdColorScheme")  # noqa: E731
    toggle = page.locator("form[data-md-component=palette] label:visible")
    seen = {}
    assert scheme() == "default"
    seen["default"] = legibility(page)
    toggle.click()
    assert scheme() == "slate"
    seen["slate"] = legibility(page)
    toggle.click()
    assert scheme() == "default"
    low = {f"{s}: {name}": round(r, 2) for s, ratios in seen.items() for name, r in ratios.items() if r < 4.5}
    assert not low, f"below 4.5:1: {low}"
    assert len(seen["default"]) > 4, seen  # the code block had syntax colours to check
    assert not visit.problems(), visit.problems()
