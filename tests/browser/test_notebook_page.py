"""The notebook page shows the notebook: its cells rendered, executed, with their outputs.

``docs/train_tiny_network.ipynb`` is executed by docexec's MkDocs hook and rendered by
mkdocs-jupyter from the executed copy in the result cache. When mkdocs-jupyter's
``ignore`` pattern also matched that copy (``notebooks/*.ipynb`` matches
``.cache/docexec/notebooks/...``), the page was published as the notebook's raw JSON
(``{ "cells": [ { "cell_type": ...``), and every other browser test still passed.
"""

from __future__ import annotations

import json

import pytest

from .conftest import DOCS, NOTEBOOK_PAGES, html_file, page_id


def test_the_site_has_a_notebook_page():
    assert NOTEBOOK_PAGES, "no .ipynb page in mkdocs.yml's nav: this module checks nothing"


def cells(path: str) -> dict[str, list[str]]:
    """The notebook's cell sources by type, as written in docs/."""
    notebook = json.loads((DOCS / (path.rstrip("/") + ".ipynb")).read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {"code": [], "markdown": []}
    for cell in notebook["cells"]:
        found.setdefault(cell["cell_type"], []).append("".join(cell["source"]))
    return found


# mkdocs-jupyter wraps each code cell in a second .jp-CodeCell: count the outer ones.
RENDERED = r"""() => {
    const outer = sel => [...document.querySelectorAll(sel)].filter(e => !e.parentElement.closest(sel));
    const article = document.querySelector("article");
    return {
        text: article ? article.innerText : "",
        markdown: outer(".jp-MarkdownCell").length,
        code: outer(".jp-CodeCell").map(cell => ({
            prompt: (cell.querySelector(".jp-InputPrompt") || {textContent: ""}).textContent.replace(/\s+/g, " ").trim(),
            input: (cell.querySelector(".jp-InputArea-editor") || {innerText: ""}).innerText,
            outputs: [...cell.querySelectorAll(".jp-OutputArea-output")].map(o => {
                const box = o.getBoundingClientRect();
                return {height: box.height, text: o.innerText.trim().length,
                        figure: !!o.querySelector("svg, img")};
            }),
        })),
    };
}"""


@pytest.mark.parametrize("path", NOTEBOOK_PAGES, ids=page_id)
def test_the_notebook_page_shows_rendered_cells_and_outputs_not_json(browser, site, path):
    html = html_file(site.dir, path).read_text(encoding="utf-8")
    assert '"cell_type"' not in html, "the page holds the notebook's JSON, not the rendered notebook"
    expected = cells(path)
    visit = browser.open(path)
    seen = visit.page.evaluate(RENDERED)
    assert '"cell_type"' not in seen["text"] and '"cells"' not in seen["text"], seen["text"][:500]
    assert seen["markdown"] == len(expected["markdown"]), seen["markdown"]
    assert len(seen["code"]) == len(expected["code"]), [c["prompt"] for c in seen["code"]]
    for number, (cell, source) in enumerate(zip(seen["code"], expected["code"]), start=1):
        # Executed, in order, by the build (a cell never run shows "In [ ]:").
        assert cell["prompt"] == f"In [{number}]:", cell["prompt"]
        first = next(line for line in source.splitlines() if line.strip())
        assert first.strip() in cell["input"], f"cell {number} does not show its code: {cell['input'][:200]!r}"
    outputs = [o for cell in seen["code"] for o in cell["outputs"]]
    assert outputs, "no cell shows an output"
    assert all(o["height"] > 0 and (o["text"] or o["figure"]) for o in outputs), outputs
    assert any(o["figure"] for o in outputs), "the notebook draws its training curve: no figure shown"
    assert not visit.problems(), visit.problems()
