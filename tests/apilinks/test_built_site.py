"""docexec.apilinks in a real build: links in the pages, ids, copy text, the API index."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from docexec.fences import whole_file as _as_shown
from docexec.apilinks.resolve import load_map

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = ROOT / "snippets"
pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert re.search(r"^apilinks: \d+ documented objects linked", done.stderr, re.M), done.stderr[-2000:]
    return out


def pages(site: Path):
    for path in sorted(site.rglob("index.html")):
        yield path, BeautifulSoup(path.read_text(), "html.parser")


def python_blocks(soup):
    for div in soup.select("div.highlight"):
        title = div.find("span", class_="filename", recursive=False)
        if title is not None and title.get_text().endswith(".py"):
            yield div, title.get_text()


def test_every_link_in_code_goes_to_a_page_of_the_map(site):
    docmap = load_map()
    allowed = {docmap.href(name) for name in docmap.objects}
    links = targets = 0
    for path, soup in pages(site):
        for div, _ in python_blocks(soup):
            for a in div.select("code a"):
                assert a["href"] in allowed, f"{path}: {a['href']}"
                links += 1
        for div in soup.select("div.docexec-output, .mermaid"):  # outputs and diagrams: never
            assert not div.select("a[href^='https://docs.pytorch.org']"), path
        targets += 1
    assert links > 1000


def test_copying_a_block_still_gives_the_file(site):
    """What the copy button copies (the text of <code>) is the snippet file as included."""
    checked = 0
    for path, soup in pages(site):
        for div, title in python_blocks(soup):
            text = div.select_one("pre > code").get_text()
            assert text == _as_shown((SNIPPETS / title).read_text()), f"{path}: {title}"
            stem = title.rsplit("/", 1)[-1].removesuffix(".py")
            assert div.get("id") == stem or div["id"].startswith(stem + "-")
            assert "." not in div["id"]  # Material's copy button selects the code by '#__code_<id> > code'
            checked += 1
    assert checked >= 150


def test_the_index_lists_every_snippet_that_uses_autograd_grad(site):
    uses = {p.relative_to(SNIPPETS).as_posix()[:-3] for p in SNIPPETS.glob("*/*.py")
            if re.search(r"\btorch\.autograd\.grad\(", p.read_text())}
    assert len(uses) > 10
    shown = {p for _, soup in pages(site) for _, title in python_blocks(soup) for p in [title[:-3]]}
    soup = BeautifulSoup((site / "api" / "index.html").read_text(), "html.parser")
    entry = next(li for li in soup.select("ul.apilinks-index li")
                 if li.a["href"] == "https://docs.pytorch.org/docs/2.13/generated/torch.autograd.grad.html")
    # each use links to its block on its page, and names the snippet file; the page's folder is the snippets'
    listed = {(a["href"].split("#")[0].strip("./") or "index") + "/" + a.get_text() for a in entry.find_all("a")[1:]}
    assert listed == uses & shown


def test_index_links_land_on_the_blocks(site):
    soup = BeautifulSoup((site / "api" / "index.html").read_text(), "html.parser")
    ids: dict[Path, set] = {}
    count = 0
    for a in soup.select("ul.apilinks-index a[href^='../']"):
        page, _, anchor = a["href"].partition("#")
        target = (site / "api" / page / "index.html").resolve()
        assert target.is_file(), a["href"]
        if not anchor:  # an object most snippets use lists its pages (apilinks.PAGES_ONLY)
            continue
        if target not in ids:
            ids[target] = {e["id"] for e in BeautifulSoup(target.read_text(), "html.parser").find_all(id=True)}
        assert anchor in ids[target], a["href"]
        count += 1
    assert count > 500
    assert soup.select_one("details summary").get_text().startswith("Not linked:")


def test_an_object_most_snippets_use_lists_its_pages(site):
    """torch.cuda.is_available is in nearly every snippet's device line: its entry names the
    pages and how many snippets on each, not two hundred links (the page stays light)."""
    from docexec.apilinks import PAGES_ONLY

    soup = BeautifulSoup((site / "api" / "index.html").read_text(), "html.parser")
    entry = next(li for li in soup.select("ul.apilinks-index li") if li.a["href"].endswith("/torch.cuda.is_available.html"))
    total, pages = map(int, re.match(r"is_available: (\d+) snippets on (\d+) pages", entry.get_text()).groups())
    assert total > PAGES_ONLY and pages == len(entry.find_all("a")) - 1
    counts = [int(n) for n in re.findall(r"\((\d+)\)", entry.get_text())]
    assert sum(counts) == total
