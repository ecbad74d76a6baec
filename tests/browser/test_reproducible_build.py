"""Two clean builds of the same tree give the same site, byte for byte.

Set aside: sitemap.xml(.gz) (MkDocs dates it) and the execution report page
(a page whose Markdown holds ``<!-- docexec:report -->``: it shows timings),
together with that page's entries in the search index.
"""

from __future__ import annotations

import json

from .conftest import build_site, html_file, report_pages

IGNORED = {"sitemap.xml", "sitemap.xml.gz"}
SEARCH_INDEX = "search/search_index.json"


def comparable(site_dir, skipped_pages: set[str]) -> dict[str, bytes]:
    skipped = {html_file(site_dir, p).relative_to(site_dir).as_posix() for p in skipped_pages}
    files = {}
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(site_dir).as_posix()
        if rel in IGNORED or rel in skipped:
            continue
        data = path.read_bytes()
        if rel == SEARCH_INDEX and skipped_pages:
            index = json.loads(data)
            index["docs"] = [d for d in index["docs"] if d["location"].split("#")[0] not in skipped_pages]
            data = json.dumps(index, sort_keys=True).encode()
        files[rel] = data
    return files


def test_two_clean_builds_are_byte_identical(site, tmp_path):
    """The session's build and a second one, each into an empty folder."""
    second = tmp_path / "site-b"
    build_site(second)
    skipped = report_pages()
    a, b = comparable(site.dir, skipped), comparable(second, skipped)
    assert a.keys() == b.keys(), f"only in one build: {sorted(a.keys() ^ b.keys())}"
    differ = sorted(name for name in a if a[name] != b[name])
    assert not differ, f"{len(differ)} files differ between two builds: {differ}"
    assert sum(name.endswith(".html") for name in a) >= 8
