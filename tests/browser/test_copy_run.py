"""Copy, paste, run: every Python block on the built site runs on its own (see copyrun.py).
No browser needed: this reads the built HTML."""

from __future__ import annotations

from .conftest import PAGES, exec_fence_count, snippet_as_included


def test_blocks_show_their_snippet_file(copy_runs):
    """The blocks run are the files they are titled with, one per exec fence in docs/."""
    blocks = copy_runs.blocks
    fences = sum(exec_fence_count(p) for p in PAGES)
    assert fences, "no exec fence read in docs/: nothing would be checked"
    assert len(blocks) == fences, f"{len(blocks)} Python blocks in the HTML, {fences} exec fences in docs/"
    differ = [b.title for b in blocks if b.code.rstrip() != snippet_as_included(b.title).rstrip()]
    assert not differ, f"blocks whose code is not their snippet file: {differ}"


def test_every_python_block_runs_as_copied(copy_runs):
    """Exit 0, or exactly the exception the page shows under the block. Runs last."""
    blocks, reasons = copy_runs.blocks, copy_runs.results()
    failures = [f"{b.page or 'index'}: {b.title}: {r}" for b, r in zip(blocks, reasons) if r]
    print(f"{len(blocks)} blocks run ({sum(1 for b in blocks if b.raises)} expected to raise), {len(failures)} failed")
    assert blocks and not failures, "\n".join(failures)
