"""Links in the built HTML: every internal link and #anchor resolves; external
links are listed (build/external-links.txt) and checked for form only, since CI
has no network. No browser needed."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from .conftest import ROOT

# Attributes that make the browser fetch or go somewhere.
LINKING = [("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("source", "src"), ("iframe", "src")]


def parse_site(site_dir: Path) -> dict[Path, BeautifulSoup]:
    return {p: BeautifulSoup(p.read_text(), "html.parser") for p in sorted(site_dir.rglob("*.html"))}


def ids_of(soup: BeautifulSoup) -> set[str]:
    return {e["id"] for e in soup.find_all(id=True)} | {e["name"] for e in soup.find_all("a", attrs={"name": True})}


def resolve(site_dir: Path, prefix: str, path: str) -> Path | None:
    """The file a site URL path (starting with ``prefix``) is served from, or None."""
    if not path.startswith(prefix):
        return None
    target = site_dir / unquote(path[len(prefix):])
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def test_internal_links_and_anchors_resolve_external_links_are_well_formed(site, capsys):
    pages = parse_site(site.dir)
    ids = {path: ids_of(soup) for path, soup in pages.items()}
    broken, external, internal = [], [], 0
    for page, soup in pages.items():
        rel = page.relative_to(site.dir).as_posix()
        base = site.prefix + rel  # the URL path this page is served at
        for tag, attr in LINKING:
            for element in soup.find_all(tag, attrs={attr: True}):
                href = element[attr].strip()
                shown = href if len(href) < 100 else href[:80] + "..."
                where = f"{rel}: <{tag} {attr}={shown!r}>"
                if site.url and href.startswith(site.url):  # the site's own address (canonical link)
                    href = href[len(site.url) - len(site.prefix):]  # -> "/autograd-docs/...": internal
                parts = urlsplit(href)
                if parts.scheme == "data":  # inline content: no request, nothing to resolve
                    continue
                if parts.scheme in {"http", "https", "mailto"} or href.startswith("//"):
                    external.append((where, href))
                    continue
                if parts.scheme:
                    broken.append(f"{where}: scheme {parts.scheme!r}")
                    continue
                internal += 1
                target = page if not parts.path else resolve(site.dir, site.prefix, urljoin(base, parts.path))
                if target is None:
                    broken.append(f"{where}: no such file")
                elif parts.fragment and target.suffix == ".html":
                    if unquote(parts.fragment) not in ids[target]:
                        broken.append(f"{where}: no id {parts.fragment!r} in {target.relative_to(site.dir)}")

    bad_form = []
    for where, href in external:
        parts = urlsplit(href)
        ok = parts.scheme == "https" and parts.hostname and "." in parts.hostname and not re.search(r"\s", href)
        if parts.scheme == "mailto":
            ok = re.fullmatch(r"mailto:[^@\s]+@[^@\s]+\.[^@\s]+", href) is not None
        if not ok:
            bad_form.append(f"{where}: not an https URL with a host")

    hosts = Counter(urlsplit(h).hostname for _, h in external)
    unique = sorted({h for _, h in external})
    summary = (
        f"{len(pages)} pages, {internal} internal links/resources (all resolve: {not broken}), "
        f"{len(external)} external links ({len(unique)} distinct) to {len(hosts)} hosts: "
        + ", ".join(f"{h} ({n})" for h, n in hosts.most_common())
    )
    out = ROOT / "build" / "external-links.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text(summary + "\n\n" + "\n".join(unique) + "\n")
    with capsys.disabled():
        print(f"\n{summary}\n(list in {out.relative_to(ROOT)})")
    assert not broken, "\n".join(broken)
    assert not bad_form, "\n".join(bad_form)
