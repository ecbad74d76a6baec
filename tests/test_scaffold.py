"""`python -m docexec.scaffold <page> "<Title>"` in a copy of the repository: what it
creates passes the site's checks and its own test, and the strict build executes it
and shows its output on the new page.

The copy holds what a build and the site's tests read (docs/, snippets/, docexec/,
docs/notebooks/, the tests they need, mkdocs.yml, pyproject.toml); PYTHONPATH points at it,
so its docexec and snippets are the ones imported. The build runs every snippet with
an empty result cache in the copy: about 20 s here (marked ``site``, like the
browser tests: ``-m "not site"`` leaves it out).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from docexec import scaffold

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parent.parent
PAGE, TITLE = "demo_page", "Demo page: made by the scaffold"
COPIED = ["docs", "snippets", "docexec", "overrides", "mkdocs.yml", "pyproject.toml",
          "tests/conftest.py", "tests/test_site.py", "tests/snippets"]


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PYTHONPATH=str(cwd), NO_MKDOCS_2_WARNING="1", **env)
    environment.pop("SITE_URL", None)
    return subprocess.run(args, cwd=cwd, env=environment, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("scaffold") / "repo"
    for name in COPIED:
        source, target = ROOT / name, repo / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    done = run([sys.executable, "-m", "docexec.scaffold", PAGE, TITLE], repo)
    assert done.returncode == 0, done.stdout + done.stderr
    return repo


def test_it_creates_the_page_its_snippets_its_test_its_nav_entry_and_notebook(copy):
    for path in [f"docs/{PAGE}.md", f"snippets/{PAGE}/__init__.py", f"snippets/{PAGE}/first_example.py",
                 f"tests/snippets/test_{PAGE}.py", f"docs/notebooks/{PAGE}.ipynb"]:
        assert (copy / path).is_file(), path
    page = (copy / f"docs/{PAGE}.md").read_text()
    assert page.startswith(f"# {TITLE}\n") and "\n## Remember\n" in page
    # One line added to mkdocs.yml, before the CUDA page; the title quoted (it holds ": ").
    before, after = (ROOT / "mkdocs.yml").read_text().splitlines(), (copy / "mkdocs.yml").read_text().splitlines()
    added = [line for line in after if line not in before]
    assert added == [f'  - "{TITLE}": {PAGE}.md'] and len(after) == len(before) + 1
    assert after.index(added[0]) + 1 == next(i for i, line in enumerate(after) if line.endswith(": cuda.md"))
    assert run([sys.executable, "-m", "docexec.notebooks", "--check"], copy).returncode == 0


def test_its_test_and_the_site_checks_pass(copy):
    done = run([sys.executable, "-m", "pytest", f"tests/snippets/test_{PAGE}.py", "tests/test_site.py",
                "-p", "no:cacheprovider", "--no-cov", "-q", "-rA"], copy)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert f"PASSED tests/snippets/test_{PAGE}.py::test_first_example[cpu]" in done.stdout
    assert f"PASSED tests/test_site.py::test_snippet_folders_mirror_pages_and_tests[{PAGE}]" in done.stdout


def test_the_strict_build_shows_the_new_page_with_its_output(copy):
    done = run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(copy / "site")], copy,
               DOCEXEC_CACHE_DIR=str(copy / ".cache" / "docexec"))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    soup = BeautifulSoup((copy / "site" / PAGE / "index.html").read_text(), "html.parser")
    assert soup.find("h1").get_text().strip().rstrip("¶") == TITLE
    text = soup.find("article").get_text()
    assert f"y = {2.0**3}" in text and f"dy/dx = {3 * 2.0**2}" in text  # what the snippet printed, in the page
    nav = (copy / "site" / "index.html").read_text()
    assert f'href="{PAGE}/"' in nav


def test_it_refuses_to_overwrite_or_a_bad_name(copy, tmp_path):
    again = run([sys.executable, "-m", "docexec.scaffold", PAGE, "Again"], copy)
    assert again.returncode == 1 and "already there" in again.stderr
    bad = run([sys.executable, "-m", "docexec.scaffold", "Demo-Page", "Bad"], copy)
    assert bad.returncode == 1 and "page name" in bad.stderr
    # Without the CUDA page in the nav, the entry goes after the last top-level page, before "About:".
    nav = "nav:\n  - Home: index.md\n  - A: a.md\n  - About:\n      - Report: about/r.md\n\ntheme:\n  name: x\n"
    assert scaffold.add_to_nav(nav, "New", "new.md") == nav.replace("  - About:", "  - New: new.md\n  - About:")
    with pytest.raises(scaffold.ScaffoldError, match="already lists"):
        scaffold.add_to_nav(nav, "A again", "a.md")
