"""The site's own address: unset, the output names none; set (``SITE_URL``), it is used everywhere.

mkdocs.yml reads ``site_url`` from ``SITE_URL`` with no fallback. Without it MkDocs
and Material write no canonical link and an empty sitemap, so a local build or a
mirror never points readers at a placeholder host. The deploy workflow sets it to
the Pages address. Two builds without running snippets (``DOCEXEC_EXECUTE=0``:
the address does not depend on outputs), a few seconds each.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.site  # builds the whole site (deselected by -m "not site")

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = "https://owner.github.io/autograd-docs/"  # a project site, as GitHub Pages serves one
URL_ATTR = re.compile(r'\b(?:href|src|content|action)="([a-z][a-z0-9+.-]*://[^"]*)"', re.I)
LOC = re.compile(r"<loc>([^<]*)</loc>")
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)"')


def build(dest: Path, site_url: str | None) -> Path:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DOCEXEC_EXECUTE="0")
    env.pop("SITE_URL", None)
    if site_url:
        env["SITE_URL"] = site_url
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(dest)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, f"mkdocs build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return dest


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("site-url")
    return {"unset": build(tmp / "unset", None), "set": build(tmp / "set", PUBLISHED)}


def pages(site: Path) -> dict[str, str]:
    """Page URL path (``backward/``) -> HTML, for every page but the 404 page."""
    found = {}
    for path in sorted(site.rglob("index.html")):
        rel = path.parent.relative_to(site).as_posix()
        found["" if rel == "." else rel + "/"] = path.read_text(encoding="utf-8")
    return found


def absolute_urls(site: Path) -> set[str]:
    return {url for path in site.rglob("*.html") for url in URL_ATTR.findall(path.read_text(encoding="utf-8"))}


def sitemap_locs(site: Path) -> tuple[list[str], list[str]]:
    plain = (site / "sitemap.xml").read_text(encoding="utf-8")
    packed = gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode()
    return LOC.findall(plain), LOC.findall(packed)


def test_unset_no_canonical_link_no_sitemap_entry_no_placeholder(sites):
    site = sites["unset"]
    with_canonical = sorted(p for p, html in pages(site).items() if 'rel="canonical"' in html)
    assert not with_canonical, f"canonical links without SITE_URL: {with_canonical}"
    assert sitemap_locs(site) == ([], []), "the sitemap lists URLs without SITE_URL"
    placeholder = sorted(
        str(p.relative_to(site)) for p in site.rglob("*")
        if p.is_file() and p.suffix in {".html", ".xml", ".json", ".js"} and b"example.invalid" in p.read_bytes()
    )
    assert not placeholder, f"placeholder host in {placeholder}"


def test_unset_the_only_absolute_urls_are_external_links(sites):
    """Every absolute URL of the unset build is one the published build has too, and not
    under the published address: links to other sites, never to this one."""
    unset, published = absolute_urls(sites["unset"]), absolute_urls(sites["set"])
    assert not {u for u in unset if "127.0.0.1" in u or "localhost" in u}
    assert unset == {u for u in published if not u.startswith(PUBLISHED)}, sorted(unset ^ published)[:20]


def test_set_canonical_link_and_sitemap_use_it(sites):
    site = sites["set"]
    found = pages(site)
    assert len(found) >= 8
    for path, html in found.items():
        assert CANONICAL.findall(html) == [PUBLISHED + path], path
    plain, packed = sitemap_locs(site)
    assert plain == packed
    assert sorted(plain) == sorted(PUBLISHED + path for path in found)
    # The 404 page is served at any depth: its links are absolute paths under the published one.
    not_found = (site / "404.html").read_text(encoding="utf-8")
    assert 'href="/autograd-docs/assets/' in not_found or 'src="/autograd-docs/assets/' in not_found
