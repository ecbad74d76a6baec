"""Run a program two ways and get what a reader would see: ``python file.py`` in a
terminal, and the output block the site shows for it.

The terminal is a real pseudo-terminal (80x24, stdin from /dev/null, CUDA hidden), and
what it shows is worked out by ``terminal_view`` below: written independently of
docexec on purpose, so that the two are an oracle for each other.
"""

from __future__ import annotations

import errno
import fcntl
import html
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import sysconfig
import termios
import textwrap
from pathlib import Path

import markdown

from docexec import session
from docexec.settings import Settings

PROGRAMS = Path(__file__).parent / "programs"
CSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def terminal_view(raw: str) -> str:
    """What a terminal shows for ``raw``: carriage returns and backspaces move the cursor
    and later characters overwrite earlier ones, tabs stop every 8 columns, colour and
    other CSI sequences are not characters."""
    lines = []
    for line in CSI.sub("", raw).split("\n"):
        cells: list[str] = []
        col = 0
        for ch in line:
            if ch == "\r":
                col = 0
            elif ch == "\b":
                col = max(0, col - 1)
            elif ch == "\t":
                col = (col // 8 + 1) * 8
                cells.extend(" " * (col - len(cells)))
            else:
                cells.extend(" " * (col - len(cells)))
                cells[col : col + 1] = [ch]
                col += 1
        lines.append("".join(cells))
    return "\n".join(lines)


def copy_program(name: str, where: Path) -> Path:
    """``programs/<folder>/`` copied under ``where``; returns the copy of ``<folder>/<file>``."""
    folder, _, _ = name.partition("/")
    target = where / folder
    if not target.exists():
        shutil.copytree(PROGRAMS / folder, target)
    return where / name


def run_in_terminal(program: Path, timeout: float = 60) -> tuple[str, int]:
    """``python program`` started from its folder in a pseudo-terminal, as a reader would;
    returns (what the terminal received, exit status as subprocess reports it)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="")
    proc = subprocess.Popen(
        [sys.executable, program.name], cwd=program.parent, stdin=subprocess.DEVNULL,
        stdout=slave, stderr=slave, env=env, start_new_session=True,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError as exc:  # EIO: every writer has closed the terminal
            if exc.errno != errno.EIO:
                raise
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    code = proc.wait(timeout)
    return b"".join(chunks).decode("utf-8", errors="replace"), code


def library_prefixes() -> dict[str, str]:
    """Where this interpreter's packages and standard library are installed, and what the
    site shows instead: found from ``sysconfig``, not by pattern, so that this is an
    independent check of docexec's rule (``docexec/paths.py``)."""
    found = {}
    for key in ("purelib", "platlib"):
        packages = Path(sysconfig.get_paths()[key])
        found[f"{packages}/"] = f"…/{packages.name}/"
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    found[f"{stdlib}/"] = f"…/lib/{stdlib.name}/"
    return found


def python_view(program: Path, base: Path) -> str:
    """What the terminal shows for ``python program``, with the two documented changes:
    absolute paths of the program become its path relative to ``base``, as in its title,
    and library paths are shown from ``site-packages/`` or ``lib/pythonX.Y/`` on."""
    raw, _ = run_in_terminal(program)
    view = terminal_view(raw).replace(str(base) + os.sep, "")
    for prefix, shown in sorted(library_prefixes().items(), key=lambda item: -len(item[0])):
        view = view.replace(prefix, shown)
    return view


def convert(page: str, base: Path, cache_dir: str = "", **config) -> str:
    """The page converted with the site's Markdown setup, snippets under ``base``: a build
    of its own (``session.begin``), as each MkDocs build is."""
    options = {"timeout": 30, "cache_dir": cache_dir, **config}
    session.begin(Settings.load(options))
    md = markdown.Markdown(
        extensions=["attr_list", "pymdownx.superfences", "pymdownx.snippets", "docexec.extension"],
        extension_configs={
            "pymdownx.snippets": {"base_path": [str(base)], "check_paths": True},
            "docexec.extension": options,
        },
    )
    return md.convert(textwrap.dedent(page))


def fence(name: str, options: str = "") -> str:
    return f'```python exec{options}\n--8<-- "{name}"\n```\n'


def outputs(html_out: str) -> list[str]:
    """The text of every output block on a converted page, as the reader sees it."""
    found = []
    for block in re.findall(r'<span class="filename">Output[^<]*</span>\s*<pre[^>]*>(.*?)</pre>', html_out, re.S):
        code = re.search(r"<code[^>]*>(.*)</code>", block, re.S)
        found.append(html.unescape(re.sub(r"<[^>]+>", "", code.group(1) if code else block)))
    return found


def page_view(name: str, base: Path, options: str = "", **config) -> str:
    """The one output block the site shows for program ``name`` (copied under ``base``)."""
    shown = outputs(convert(fence(name, options), base, **config))
    assert len(shown) == 1, f"expected one output block, got {len(shown)}"
    return shown[0].rstrip("\n")
