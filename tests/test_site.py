"""The site as a whole: every page's includes resolve, every snippet is shown, layouts mirror."""

import re
from pathlib import Path

import markdown
import pytest

from docexec.fences import INCLUDE

ROOT = Path(__file__).resolve().parent.parent
DOCS, SNIPPETS, TESTS = ROOT / "docs", ROOT / "snippets", ROOT / "tests" / "snippets"
PAGES = sorted(DOCS.glob("*.md"))
SNIPPET_FILES = sorted(p for p in SNIPPETS.glob("*/*.py") if p.name != "__init__.py")


def _included(page: Path) -> list[str]:
    """The files a page includes (a named section counts as its file)."""
    lines = page.read_text().split("\n")
    return [m["target"].partition(":")[0] for line in lines if (m := INCLUDE.match(line)) and not m["target"].startswith(";")]


def convert_without_running(page: Path) -> str:
    md = markdown.Markdown(
        extensions=["pymdownx.superfences", "pymdownx.snippets", "docexec.extension"],
        extension_configs={
            "pymdownx.snippets": {"base_path": [str(SNIPPETS)], "check_paths": True},
            "docexec.extension": {"execute": False},
        },
    )
    return md.convert(page.read_text())


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_include_on_the_page_resolves(page):
    """Fails, naming the line, when a page includes a missing snippet or section."""
    convert_without_running(page)


@pytest.mark.parametrize("snippet", SNIPPET_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_snippet_is_shown_on_its_page(snippet):
    page = DOCS / f"{snippet.parent.name}.md"
    assert page.exists(), f"snippets/{snippet.parent.name}/ has no page docs/{page.name}"
    included = set(_included(page))
    if f"{snippet.parent.name}/{snippet.name}" in included:
        return
    # A shared helper module (README, "Adding a snippet"): imported by a snippet the page shows.
    importers = [
        name for name in included
        if re.search(rf"^\s*(from\s+{snippet.stem}\s+import|import\s+{snippet.stem}\b)", (SNIPPETS / name).read_text(), re.M)
    ]
    assert importers, (
        f"{snippet.relative_to(ROOT)} is used by no page: include it in docs/{page.name}, import it from a "
        "snippet shown there (a shared helper module), or delete it"
    )


@pytest.mark.parametrize("folder", sorted(p.parent for p in SNIPPETS.glob("*/__init__.py")), ids=lambda p: p.name)
def test_snippet_folders_mirror_pages_and_tests(folder):
    assert (DOCS / f"{folder.name}.md").exists()
    assert (TESTS / f"test_{folder.name}.py").exists(), f"no tests/snippets/test_{folder.name}.py"


def test_pages_include_only_their_own_snippets():
    for page in PAGES:
        for target in _included(page):
            assert target.split("/")[0] == page.stem, f"docs/{page.name} includes {target}"


@pytest.mark.parametrize("snippet", SNIPPET_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_snippets_stay_short(snippet):
    """A snippet is one idea a reader can take in at once: about 40 lines, 45 at most."""
    assert len(snippet.read_text().splitlines()) <= 45, f"{snippet.relative_to(ROOT)}: split it in two"
