"""Copy, paste, run: the Python blocks of the built site, each run on its own.

Each block titled with a snippet file (``page/name.py``) is taken from the built
HTML as the copy button takes it (the text of its <code>), written to a file of
its own in an empty folder, and run there as ``python name.py`` in a fresh
interpreter that sees no GPU. It must exit 0, or, where the page shows
"Output (raises X)" under it, die of exactly X.

The runs are started in the background as soon as the site is built (see
``conftest.site``) so that they overlap the browser tests; test_copy_run.py
waits for them, last.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

WORKERS = 2
TIMEOUT = 180  # seconds per block; the build allows 60 to most


@dataclass
class Block:
    page: str
    title: str  # e.g. backward/chain_rule.py
    code: str
    raises: str | None  # the X of "Output (raises X)" shown under it, if any


def python_blocks(site_dir: Path, pages: list[str], html_file) -> list[Block]:
    blocks = []
    for path in pages:
        soup = BeautifulSoup(html_file(site_dir, path).read_text(), "html.parser")
        for div in soup.select("div.highlight, div.language-python"):
            title = div.find("span", class_="filename", recursive=False)
            if title is None or not title.get_text().endswith(".py"):
                continue
            raises = None
            after = div.find_next_sibling()
            if after is not None and "docexec-output" not in after.get("class", []):
                after = after.select_one("div.docexec-output")  # in CPU/CUDA tabs: the CPU tab's, first
            shown = after.find("span", class_="filename", recursive=False) if after is not None else None
            # "Output (raises X)", and where the CUDA record is the same, " · same on CUDA · ..." after it
            if shown is not None and (m := re.fullmatch(r"Output \(raises (\S+)\)(?: · .*)?", shown.get_text().strip())):
                raises = m[1]
            blocks.append(Block(path, title.get_text(), div.select_one("pre > code").get_text(), raises))
    return blocks


def exception_line(stderr: str) -> str:
    """The ``Type: message`` line of the last traceback (messages may span lines)."""
    lines = stderr.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last):")]
    for line in lines[starts[-1] + 1 :] if starts else []:
        if line and not line[0].isspace():
            return line
    return lines[-1] if lines else ""


def run_block(block: Block, folder: Path) -> str | None:
    """Run the block; why it failed, or None."""
    folder.mkdir(parents=True)
    file = folder / Path(block.title).name
    file.write_text(block.code)
    # Nothing of the test run leaks in: no PYTHONPATH, no pytest-cov subprocess hook, no GPU.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith(("COV_CORE_", "DOCEXEC_"))}
    env["CUDA_VISIBLE_DEVICES"] = ""
    try:
        done = subprocess.run(
            [sys.executable, file.name], cwd=folder, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return f"still running after {TIMEOUT} s"
    raised = exception_line(done.stderr)
    if block.raises is None:
        return None if done.returncode == 0 else f"exit {done.returncode}: {raised}"
    if done.returncode == 0:
        return f"the page shows it raising {block.raises}, but it ran to the end"
    if not re.match(rf"(?:[\w.]+\.)?{re.escape(block.raises)}(?::|$)", raised):
        return f"the page shows {block.raises}; it raised: {raised}"
    return None


class CopyRuns:
    """All blocks of the site, running in the background, WORKERS at a time."""

    def __init__(self, blocks: list[Block]):
        self.blocks = blocks
        self.folder = tempfile.TemporaryDirectory(prefix="copy-run-")
        self.pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="copy-run")
        self.futures: list[Future] = [
            self.pool.submit(run_block, block, Path(self.folder.name) / str(i)) for i, block in enumerate(blocks)
        ]

    def results(self) -> list[str | None]:
        return [f.result() for f in self.futures]

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.folder.cleanup()
