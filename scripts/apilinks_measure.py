"""How many PyTorch names in the built site's Python blocks are links, and to how many pages.

    .venv/bin/python scripts/apilinks_measure.py SITE_DIR [BASE_SITE_DIR]

- text: every ``torch.a.b`` written in code (comments and strings left out), as a reader
  sees it; it counts as linked when its last name is inside a link to the docs;
- resolved: every torch name the resolver finds (aliases, ``F.relu``, ``x.backward()``
  on a tensor...), linked or not;
- distinct pages linked; with BASE_SITE_DIR (a build without the extension), the bytes
  each page gained.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString

DOCS = "https://docs.pytorch.org/"


def flags(code) -> tuple[str, list[bool], list[bool]]:
    text, linked, skip = [], [], []

    def walk(node, in_link, in_skip):
        for child in node.children:
            if isinstance(child, NavigableString):
                text.append(str(child))
                linked.extend([in_link] * len(child))
                skip.extend([in_skip] * len(child))
            else:
                classes = child.get("class") or []
                is_skip = in_skip or any(c.startswith(("c", "s")) for c in classes)
                walk(child, in_link or (child.name == "a" and child.get("href", "").startswith(DOCS)), is_skip)

    walk(code, False, False)
    return "".join(text), linked, skip


def main(site: Path, base: Path | None) -> int:
    total = linked = links = 0
    hrefs: set[str] = set()
    for page in sorted(site.rglob("index.html")):
        soup = BeautifulSoup(page.read_text(), "html.parser")
        for div in soup.select("div.highlight"):
            title = div.find("span", class_="filename", recursive=False)
            if title is None or not title.get_text().endswith(".py"):
                continue
            code = div.select_one("pre > code")
            for a in code.select("a"):
                hrefs.add(a["href"])
                links += 1
            text, in_link, in_skip = flags(code)
            for match in re.finditer(r"(?<![\w.])torch(?:\.\w+)+", text):
                if in_skip[match.start()]:
                    continue
                total += 1
                linked += in_link[match.end() - 1]
    print(f"torch.* names written in code: {total}, linked: {linked} ({linked / max(total, 1):.1%})")
    print(f"links in code blocks: {links}, distinct pages: {len({h.split('#')[0] for h in hrefs})} "
          f"({len(hrefs)} distinct targets)")
    if base:
        for page in sorted(site.rglob("index.html")):
            old = base / page.relative_to(site)
            if old.is_file():
                new_size, old_size = page.stat().st_size, old.stat().st_size
                if new_size != old_size:
                    print(f"  {page.relative_to(site).parent.as_posix() or '/':24} {old_size:7} -> {new_size:7} bytes "
                          f"(+{new_size - old_size})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None))
