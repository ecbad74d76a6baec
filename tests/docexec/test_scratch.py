"""A run's private copy of its folder (docexec/run/scratch.py): reused by the next run of the
same folder only when neither the copy nor the folder changed in any way."""

import os
import time

import pytest

from docexec import judge
from docexec.run import client, scratch


@pytest.fixture
def folder(tmp_path):
    page = tmp_path / "page"
    page.mkdir()
    (page / "a.py").write_text("print('a')\n")
    (page / "data.txt").write_text("original\n")
    return page


def test_an_untouched_copy_goes_to_the_next_run_of_its_folder(folder):
    keeper = scratch.Keeper()
    first = keeper.take(str(folder / "a.py"), "page/a.py")
    assert sorted(os.listdir(first.copy_dir)) == ["a.py", "data.txt"]
    keeper.give_back(first)
    assert keeper.take(str(folder / "a.py"), "page/a.py") is first
    first.remove()


@pytest.mark.parametrize("change", ["new file", "edited file", "removed file", "new folder", "same size, same mtime"])
def test_a_copy_the_run_changed_is_removed_not_reused(folder, change):
    keeper = scratch.Keeper()
    copy = keeper.take(str(folder / "a.py"), "page/a.py")
    target = os.path.join(copy.copy_dir, "data.txt")
    if change == "new file":
        open(os.path.join(copy.copy_dir, "out.txt"), "w").close()
    elif change == "edited file":
        open(target, "a").write("more\n")
    elif change == "removed file":
        os.unlink(target)
    elif change == "new folder":
        os.mkdir(os.path.join(copy.copy_dir, "__pycache__"))
    else:  # rewritten and its mtime set back: only the ctime tells
        before = os.stat(target)
        time.sleep(0.02)
        open(target, "w").write("ORIGINAL\n")
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    keeper.give_back(copy)
    assert keeper.kept is None and not os.path.exists(copy.root)


def test_a_folder_edited_since_the_copy_gets_a_fresh_one(folder):
    keeper = scratch.Keeper()
    copy = keeper.take(str(folder / "a.py"), "page/a.py")
    keeper.give_back(copy)
    time.sleep(0.02)
    (folder / "data.txt").write_text("edited\n")
    fresh = keeper.take(str(folder / "a.py"), "page/a.py")
    assert fresh is not copy and not os.path.exists(copy.root)
    assert open(os.path.join(fresh.copy_dir, "data.txt")).read() == "edited\n"
    fresh.remove()


def test_another_folder_gets_a_fresh_copy_and_the_kept_one_goes(folder, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "b.py").write_text("print('b')\n")
    keeper = scratch.Keeper()
    copy = keeper.take(str(folder / "a.py"), "page/a.py")
    keeper.give_back(copy)
    fresh = keeper.take(str(other / "b.py"), "other/b.py")
    assert fresh is not copy and not os.path.exists(copy.root)
    assert os.listdir(fresh.copy_dir) == ["b.py"]
    keeper.give_back(fresh)
    keeper.drop()
    assert not os.path.exists(fresh.root)


WRITER = "open('note.txt', 'w').write('x')\nopen('data.txt', 'a').write('appended\\n')\nprint('wrote')\n"
READER = "import os\nprint(sorted(os.listdir('.')), open('data.txt').read().strip())\n"


def test_what_a_run_wrote_is_never_seen_by_the_next_runs_of_its_folder(folder):
    """Through the workers: each run of `reader.py` sees the folder as in the repository."""
    (folder / "writer.py").write_text(WRITER)
    (folder / "reader.py").write_text(READER)
    pool = client.Pool(str(folder.parent), "cpu", 1, 100_000)
    try:
        shown = []
        for name in ("reader", "writer", "reader", "reader"):
            runs = pool.submit(str(folder / f"{name}.py"), f"page/{name}.py", 60).result(timeout=120)
            shown.append([judge.shown(run) for run in runs])
    finally:
        pool.close()
    expected = "['a.py', 'data.txt', 'reader.py', 'writer.py'] original\n"
    assert shown[1] == ["wrote\n", "wrote\n"]
    assert shown[0] == shown[2] == shown[3] == [expected, expected]
    assert sorted(os.listdir(folder)) == ["a.py", "data.txt", "reader.py", "writer.py"]
