"""A small MkDocs site in a temporary folder, built by a real ``mkdocs`` subprocess: the
one ``mkdocs.yml`` of the executor's build and serve tests (``scratch_site`` fixture,
imported by the test modules and conftest files that use it).

    site = scratch_site()                       # docs/index.md, no snippets yet
    site.snippet("page/ok.py", "print(1)\\n")
    site.page("page", "page/ok.py")             # docs/page.md with one exec fence per snippet
    done = site.build()                         # `mkdocs build -d <site>/out`, finished
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest
import yaml

# The hooks of the docexec that is imported (found without importing it)
HOOKS = str(Path(importlib.util.find_spec("docexec").origin).resolve().parent / "mkdocs_hooks.py")
NOTEBOOKS = {"mkdocs-jupyter": {"include": ["*.ipynb"], "ignore": ["docs/notebooks/*.ipynb", "*.md"], "execute": False,
                                "allow_errors": False}}


def environment(**extra: str) -> dict:
    """The build's environment: none of the variables that change what docexec or the site
    does (so the test does not depend on the shell it was started from), no MkDocs banner."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("DOCEXEC_") and key not in ("SITE_URL", "REPO_URL", "EDIT_URI")}
    return {**env, "NO_MKDOCS_2_WARNING": "1", **extra}


class ScratchSite:
    def __init__(self, root: Path):
        self.root = root
        (root / "docs").mkdir(parents=True, exist_ok=True)
        (root / "snippets").mkdir(exist_ok=True)
        self.write("docs/index.md", "# Home\n\nNo code here.\n")
        self.config()

    @classmethod
    def existing(cls, root: Path) -> "ScratchSite":
        """A site already in ``root`` (its mkdocs.yml and pages as they are)."""
        site = cls.__new__(cls)
        site.root = root
        return site

    def write(self, path: str, text: str) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        return target

    def snippet(self, path: str, source: str) -> Path:
        return self.write(f"snippets/{path}", source)

    def page(self, name: str, *snippets: str, options: str = "", text: str = "") -> Path:
        """``docs/<name>.md``: an H1, ``text``, then one exec fence per snippet."""
        fences = "\n".join(f'```python exec{options}\n--8<-- "{path}"\n```\n' for path in snippets)
        return self.write(f"docs/{name}.md", f"# {name}\n\n{text}{fences}")

    def config(self, strict: bool = True, notebooks: bool = False, top: Optional[dict] = None, **options) -> None:
        """Write ``mkdocs.yml``: pymdownx.snippets on ``snippets/``, the docexec extension
        with ``docs_dir: docs`` and ``options``, the docexec hooks; mkdocs-jupyter for
        notebook pages with ``notebooks``; ``top``: more top-level settings."""
        config = {
            "site_name": "scratch",
            "strict": strict,
            "markdown_extensions": [
                "attr_list",
                "pymdownx.superfences",
                {"pymdownx.snippets": {"base_path": ["snippets"], "check_paths": True}},
                {"docexec.extension": {"docs_dir": "docs", **options}},
            ],
            "hooks": [HOOKS],
            "watch": ["snippets"],
            **({"plugins": [NOTEBOOKS]} if notebooks else {}),
            **(top or {}),
        }
        (self.root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))

    def mkdocs(self, *args: str, cwd: Optional[Path] = None, **env: str) -> subprocess.Popen:
        """``python -m mkdocs <args>`` started in its own session (so it can be stopped with
        everything it started), reading and writing text, with Ctrl-C's default action
        whatever this process was started with (``&`` in a script ignores SIGINT)."""
        return subprocess.Popen(
            [sys.executable, "-m", "mkdocs", *args], cwd=cwd or self.root, env=environment(**env),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
            preexec_fn=_ctrl_c_stops,
        )

    def build(self, *args: str, cwd: Optional[Path] = None, timeout: float = 300, **env: str) -> subprocess.CompletedProcess:
        """``mkdocs build -d <site>/out <args>``, finished (the whole process group is
        killed if it runs past ``timeout``)."""
        proc = self.mkdocs("build", "-d", str(self.root / "out"), *args, cwd=cwd, **env)
        try:
            out, err = proc.communicate(timeout=timeout)
        finally:
            stop(proc)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    def html(self, page: str) -> str:
        """The built page (``page/`` -> ``out/page/index.html``)."""
        return (self.root / "out" / page / "index.html").read_text(encoding="utf-8")


def _ctrl_c_stops() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop(proc: subprocess.Popen) -> None:
    """End ``proc`` and everything it started (its session), if still running."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, 15)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, 9)
            proc.wait()


@pytest.fixture
def scratch_site(tmp_path):
    """Makes ``ScratchSite``s under this test's temporary folder: ``scratch_site()`` or
    ``scratch_site("name")``."""

    def make(name: str = "site") -> ScratchSite:
        return ScratchSite(tmp_path / name)

    return make
