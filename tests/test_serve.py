"""`mkdocs serve` shows a broken snippet, or a page that cannot be built, on its page and
keeps serving every other page; `mkdocs build` stops, in one message.

Serve is tried on a scratch site and on a copy of the real one (its docs/, snippets/,
recorded/ and mkdocs.yml; the repository's result cache copied too when there is one,
so the copy's first build runs only what the test broke). Each server is stopped with
Ctrl-C, as a user stops it, so it removes its temporary site; every request has a
timeout, so a server that hangs fails the test instead of holding it.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.scratch_site import HOOKS, ScratchSite, scratch_site, stop  # noqa: F401 - scratch_site: a fixture

pytestmark = pytest.mark.build

ROOT = Path(__file__).resolve().parent.parent
BROKEN = 'print("about to fail")\nraise ValueError("broken on purpose")\n'
SHOWN = "This snippet may not be published"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=15) as answer:
        return answer.read().decode()


class Served:
    """``mkdocs serve`` of ``site`` on a free port, its output collected as it comes (a full
    pipe would stall the server), its temporary folders in ``tmp``."""

    def __init__(self, site: ScratchSite, tmp: Path):
        self.port, self.tmp, self.output = _free_port(), tmp, []
        tmp.mkdir(exist_ok=True)
        self.proc = site.mkdocs("serve", "-a", f"127.0.0.1:{self.port}", TMPDIR=str(tmp))
        for stream in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=lambda s=stream: self.output.extend(s), daemon=True).start()

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def wait_for(self, path: str, text: str, seconds: float) -> str:
        """The page at ``path`` once it holds ``text``."""
        deadline, page = time.monotonic() + seconds, ""
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "mkdocs serve ended:\n" + "".join(self.output)[-5000:]
            try:
                page = _get(self.url(path))
            except (OSError, urllib.error.URLError):
                page = ""
            if text in page:
                return page
            time.sleep(0.5)
        raise AssertionError(f"{text!r} did not appear at /{path} within {seconds} s; last page:\n{page[-2000:]}\n"
                             + "".join(self.output)[-5000:])

    def stop(self) -> None:
        """Ctrl-C; it must end at once and leave nothing in its temporary folder."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            finally:
                stop(self.proc)
        assert glob.glob(str(self.tmp / "mkdocs_*")) == [], "mkdocs serve left its temporary site behind"
        deadline = time.monotonic() + 5  # the workers remove their run folders as they exit
        while (left := self.left()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not left, f"serve left {left} in its temporary folder once stopped"

    def left(self) -> list[str]:
        """What is in the temporary folder, torch's own compile cache aside (a snippet that
        compiles makes ``torchinductor_<user>`` there, as ``python file.py`` would)."""
        return sorted(p.name for p in self.tmp.iterdir() if not p.name.startswith("torchinductor_"))


@pytest.fixture
def serve(tmp_path):
    servers = []

    def serve(site: ScratchSite) -> Served:
        servers.append(Served(site, tmp_path / "tmp"))
        return servers[-1]

    yield serve
    for server in servers:
        server.stop()


def test_a_failing_build_prints_the_error_once_without_a_traceback_of_mkdocs(scratch_site):
    site = scratch_site()
    site.snippet("page/snippet.py", BROKEN)
    site.page("page", "page/snippet.py")
    site.config(strict=False)
    done = site.build()
    assert done.returncode == 1
    assert done.stderr.count("1 snippet(s) may not be published:\n") == 1, done.stderr
    assert "  docs/page.md: exec fence at line 3: page/snippet.py:2: raised ValueError: broken on purpose" in done.stderr
    assert "mkdocs/commands/build.py" not in done.stderr and 'File "/' not in done.stderr, done.stderr


def test_serve_shows_a_broken_snippet_on_its_page_and_the_fix_when_it_is_fixed(scratch_site, serve):
    site = scratch_site()
    site.snippet("page/snippet.py", BROKEN)
    site.page("page", "page/snippet.py")
    site.config(strict=False)
    server = serve(site)
    page = server.wait_for("page/", SHOWN, 240)
    assert "broken on purpose" in page and "page/snippet.py:2" in page
    assert "No code here." in _get(server.url()), "the other pages keep working"
    site.snippet("page/snippet.py", 'print("fixed:", 6 * 7)\n')
    page = server.wait_for("page/", "fixed: 42", 240)
    assert SHOWN not in page
    server.stop()


# -- the real site --------------------------------------------------------------------

CHAIN_RULE = "snippets/backward/chain_rule.py"
GONE = ('--8<-- "custom_ops/no_autograd.py"', '--8<-- "custom_ops/gone.py"')


@pytest.fixture
def real_site(tmp_path) -> ScratchSite:
    """A copy of the site, with the hooks and the watched executor of this checkout."""
    root = tmp_path / "real"
    root.mkdir()
    for name in ("docs", "snippets", "recorded", "overrides"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    config = (ROOT / "mkdocs.yml").read_text()
    config = config.replace("  - docexec/mkdocs_hooks.py\n", f"  - {HOOKS}\n")
    config = re.sub(r"(?m)^  - docexec$", f"  - {Path(HOOKS).parent}", config)
    assert HOOKS in config and f"  - {Path(HOOKS).parent}\n" in config
    (root / "mkdocs.yml").write_text(config)
    if (ROOT / ".cache" / "docexec").is_dir():  # warm: the copy's first build runs only what changed
        shutil.copytree(ROOT / ".cache" / "docexec", root / ".cache" / "docexec")
    return ScratchSite.existing(root)


def test_serve_on_the_real_site_shows_each_failure_on_its_page_and_serves_every_other_page(real_site, serve):
    snippet = real_site.root / CHAIN_RULE
    snippet.write_text(snippet.read_text() + "1/0\n")
    custom_ops = real_site.root / "docs" / "custom_ops.md"
    assert custom_ops.read_text().count(GONE[0]) == 1
    custom_ops.write_text(custom_ops.read_text().replace(*GONE))
    server = serve(real_site)
    broken = server.wait_for("backward/", SHOWN, 420)
    assert "backward/chain_rule.py:" in broken and "ZeroDivisionError: division by zero" in broken
    page = _get(server.url("custom_ops/"))
    error = re.findall(r'<p class="admonition-title">This block cannot be built</p><pre><code>([^<]*)</code>', page)
    assert error == ["line 41: snippet file 'custom_ops/gone.py' not found"]
    assert "custom_ops/register_autograd.py" in page  # the rest of the page: its other blocks and headings
    assert "wzxhzdk" not in page
    pages = sorted(p.relative_to(real_site.root / "docs").with_suffix("") for p in (real_site.root / "docs").glob("**/*.md")
                   if "notebooks" not in p.parts)
    pages.append(Path("train_tiny_network"))
    for name in pages:
        if name.name in ("backward", "custom_ops"):
            continue
        path = "" if name.name == "index" else f"{name.as_posix()}/"
        assert "<h1" in _get(server.url(path)), name  # every page answers, at once
    report = _get(server.url("about/execution/"))
    listed = report.split("<strong>May not be published</strong> (each page shows why): ")[1].split("</p>")[0]
    assert "<code>backward/chain_rule.py</code>" in listed and ">custom_ops.md</a>" in listed
    row = re.search(r"<tr>\s*<td><a [^>]*>backward.md</a></td>\s*<td><code>backward/chain_rule.py</code></td>.*?</tr>", report, re.S)
    assert row and "may not be published" in row.group(), report[-3000:]
    server.stop()
