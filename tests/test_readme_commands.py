"""The README's commands do what it says they do, from the user's side.

- Coverage: the full test command measures and enforces it; running one test file
  prints its results, not a table of every snippet it did not run.
- Chromium: the install line works as root (no sudo there) and as a user.
- Material's banner about MkDocs 2: silenced wherever the project runs MkDocs, and
  the README says how to silence it in a terminal.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_command(marker: str) -> str:
    """The first ```bash block after ``<!-- ci: marker -->`` (as .ci/run reads it)."""
    found = re.search(rf"^<!-- ci: {marker} -->\n```bash\n(.*?)\n```$", README, re.M | re.S)
    assert found, f"README.md has no <!-- ci: {marker} --> command"
    return found[1].strip()


def bash_blocks() -> list[str]:
    return re.findall(r"^```bash\n(.*?)\n```$", README, re.M | re.S)


# --------------------------------------------------------------------------- coverage


def test_the_full_test_command_measures_and_enforces_coverage():
    command = readme_command("test")
    pytest_part = command.split("&&")[0].split()
    assert pytest_part[0] == ".venv/bin/pytest"
    assert "--cov" in pytest_part and "--cov-fail-under=100" in pytest_part, command
    addopts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"]
    assert "--cov" not in addopts.split(), "coverage would be measured and reported on every selection"


def test_one_test_file_alone_prints_no_coverage_table(tmp_path):
    """Run as the README's single-file example is run: with the project's pytest settings."""
    test = tmp_path / "test_alone.py"
    test.write_text("def test_alone():\n    assert 6 * 7 == 42\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-c", str(ROOT / "pyproject.toml"),
         "--rootdir", str(ROOT), str(test)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "coverage:" not in done.stdout and "TOTAL" not in done.stdout, done.stdout
    assert len(done.stdout.splitlines()) < 15, done.stdout


# --------------------------------------------------------------------------- chromium


def test_the_chromium_install_works_as_root_and_as_a_user():
    """As root (a container, where there is no sudo and the package lists may be empty)
    and as a user with sudo: both forms are given."""
    block = next(b for b in bash_blocks() if "apt-get install" in b and "chromium" in b)
    lines = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert "apt-get update && apt-get install -y chromium" in lines, block
    assert "sudo apt-get update && sudo apt-get install -y chromium" in lines, block


# --------------------------------------------------------------------------- Material's banner

BANNER = "To disable this warning, set NO_MKDOCS_2_WARNING=1"


def test_mkdocs_started_by_the_tests_prints_no_banner(tmp_path):
    """tests/conftest.py sets NO_MKDOCS_2_WARNING for everything the tests start; Material
    otherwise prints a 10-line notice on every `mkdocs` command."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: banner\ntheme:\n  name: material\n")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "out")],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert BANNER not in done.stderr, done.stderr


def test_the_readme_says_how_to_silence_the_banner():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "export NO_MKDOCS_2_WARNING=1" in quick_start
