"""`mkdocs serve` shows a broken snippet on its page; `mkdocs build` stops, in one message."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.build

SITE = """\
site_name: scratch
markdown_extensions:
  - pymdownx.superfences
  - pymdownx.snippets:
      base_path: [snippets]
      check_paths: true
  - docexec.extension:
      docs_dir: docs
      cache_dir: {cache}
hooks:
  - {hooks}
watch:
  - snippets
"""
BROKEN = 'print("about to fail")\nraise ValueError("broken on purpose")\n'


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "snippets" / "page").mkdir(parents=True)
    hooks = Path(__file__).resolve().parent.parent / "docexec" / "mkdocs_hooks.py"
    (site / "mkdocs.yml").write_text(SITE.format(cache=tmp_path / "cache", hooks=hooks))
    (site / "docs" / "index.md").write_text("# Home\n\nNo code here.\n")
    (site / "docs" / "page.md").write_text('# Page\n\n```python exec\n--8<-- "page/snippet.py"\n```\n')
    (site / "snippets" / "page" / "snippet.py").write_text(BROKEN)
    return site


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read().decode()


def _wait_for(url: str, text: str, seconds: float) -> str:
    deadline, page = time.monotonic() + seconds, ""
    while time.monotonic() < deadline:
        try:
            page = _get(url)
        except OSError:
            page = ""
        if text in page:
            return page
        time.sleep(0.5)
    raise AssertionError(f"{text!r} did not appear at {url} within {seconds} s; last page:\n{page[-2000:]}")


def test_a_failing_build_prints_the_error_once_without_a_traceback_of_mkdocs(tmp_path):
    site = _site(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=site, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    assert done.returncode != 0
    assert done.stderr.count("raised ValueError: broken on purpose") == 1, done.stderr
    assert "page/snippet.py:2" in done.stderr and "page.md" in done.stderr
    assert "mkdocs/commands/build.py" not in done.stderr, done.stderr


def test_serve_shows_a_broken_snippet_on_its_page_and_the_fix_when_it_is_fixed(tmp_path):
    site = _site(tmp_path)
    port = _free_port()
    tmp = tmp_path / "tmp"  # where serve builds the site (tempfile.mkdtemp(prefix="mkdocs_"))
    tmp.mkdir()
    serve = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=site,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1", TMPDIR=str(tmp)), preexec_fn=_default_sigint,
    )
    try:
        page = _wait_for(f"http://127.0.0.1:{port}/page/", "This snippet failed", 120)
        assert list(tmp.glob("mkdocs_*")), "serve built the site outside $TMPDIR"
        assert "broken on purpose" in page and "page/snippet.py:2" in page
        assert "No code here." in _get(f"http://127.0.0.1:{port}/"), "the other pages keep working"
        (site / "snippets" / "page" / "snippet.py").write_text('print("fixed:", 6 * 7)\n')
        page = _wait_for(f"http://127.0.0.1:{port}/page/", "fixed: 42", 120)
        assert "This snippet failed" not in page
    finally:
        _stop(serve)
    deadline = time.monotonic() + 5  # the workers clean up their run folders as they exit
    while (left := sorted(p.name for p in tmp.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"serve left {left} in its temporary folder once stopped"


def _default_sigint() -> None:
    """In the child: SIGINT as a terminal delivers it, even where pytest was started with
    ``&`` from a script and ignores it (a Python started so never raises KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _stop(serve: subprocess.Popen) -> None:
    """Ctrl-C, as a reader stops it: serve then removes the folder it built the site in
    (SIGTERM, which it does not handle, left a 2 MB /tmp/mkdocs_* behind on every run).
    Killed, with its whole group, if it is still running 30 s later."""
    os.killpg(serve.pid, signal.SIGINT)
    try:
        serve.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(serve.pid, signal.SIGKILL)
        serve.communicate()
        raise


if not hasattr(os, "killpg"):  # pragma: no cover
    pytest.skip("needs POSIX process groups", allow_module_level=True)
