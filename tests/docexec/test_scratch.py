"""A run's private copy of its folder (docexec/run/scratch.py): reused by the next run of the
same folder only when neither the copy nor the folder changed in any way."""

import os
import time

import pytest

from docexec import judge
from docexec.run import client, scratch


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setattr(scratch, "RACY", 0.0)  # these files were written a moment ago
    page = tmp_path / "page"
    page.mkdir()
    (page / "a.py").write_text("print('a')\n")
    (page / "data.txt").write_text("original\n")
    return page


def take(keeper, folder):
    return keeper.take(str(folder / "a.py"), "page/a.py")


def test_an_untouched_copy_goes_to_the_next_run_of_its_folder(folder):
    keeper = scratch.LastCopy()
    first = take(keeper, folder)
    assert sorted(os.listdir(first.copy_dir)) == ["a.py", "data.txt"]
    open(os.path.join(first.figures, "figure-1.svg"), "w").close()  # what plt.show() saved
    keeper.give_back(first)
    assert take(keeper, folder) is first
    assert os.listdir(first.figures) == []
    first.remove()


CHANGES = ["new file", "edited file", "removed file", "new folder", "same size, same mtime", "chmod",
           "figures replaced by a link"]


@pytest.mark.parametrize("change", CHANGES)
def test_a_copy_the_run_changed_is_removed_not_reused(folder, tmp_path, change):
    keeper = scratch.LastCopy()
    copy = take(keeper, folder)
    target = os.path.join(copy.copy_dir, "data.txt")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine\n")
    if change == "new file":
        open(os.path.join(copy.copy_dir, "out.txt"), "w").close()
    elif change == "edited file":
        open(target, "a").write("more\n")
    elif change == "removed file":
        os.unlink(target)
    elif change == "new folder":
        os.mkdir(os.path.join(copy.copy_dir, "__pycache__"))
    elif change == "same size, same mtime":  # rewritten and its mtime set back: the ctime tells
        before = os.stat(target)
        time.sleep(0.02)
        open(target, "w").write("ORIGINAL\n")
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    elif change == "chmod":
        os.chmod(copy.copy_dir, 0o555)
    else:  # the worker empties figures/ after a run: it must not follow a link out of the copy
        os.rmdir(copy.figures)
        os.symlink(elsewhere, copy.figures)
    keeper.give_back(copy)
    if change == "chmod" and os.path.exists(copy.copy_dir):  # a root user's rmtree ignores it
        os.chmod(copy.copy_dir, 0o755)
        copy.remove()
    assert keeper.kept is None and not os.path.exists(copy.root)
    assert (elsewhere / "keep.txt").read_text() == "mine\n"


def test_a_copy_changed_after_its_run_ended_is_not_handed_out(folder):
    """Something the run left behind could still write there; the copy is checked again."""
    keeper = scratch.LastCopy()
    copy = take(keeper, folder)
    keeper.give_back(copy)
    open(os.path.join(copy.copy_dir, "late.txt"), "w").close()
    fresh = take(keeper, folder)
    assert fresh is not copy and not os.path.exists(copy.root)
    assert "late.txt" not in os.listdir(fresh.copy_dir)
    fresh.remove()


@pytest.mark.parametrize("edit", ["same size", "new file", "removed file"])
def test_a_folder_edited_since_the_copy_gets_a_fresh_one(folder, edit):
    keeper = scratch.LastCopy()
    copy = take(keeper, folder)
    keeper.give_back(copy)
    time.sleep(0.02)
    if edit == "same size":
        (folder / "data.txt").write_text("ORIGINAL\n")
    elif edit == "new file":
        (folder / "more.txt").write_text("x\n")
    else:
        (folder / "data.txt").unlink()
    fresh = take(keeper, folder)
    assert fresh is not copy and not os.path.exists(copy.root)
    assert sorted(os.listdir(fresh.copy_dir)) == sorted(os.listdir(folder))
    fresh.remove()


def test_a_file_changed_just_before_its_copy_is_never_trusted(folder, monkeypatch):
    """A clock coarser than the edits could hide a second one (git's "racy clean")."""
    monkeypatch.setattr(scratch, "RACY", 60.0)
    keeper = scratch.LastCopy()
    copy = take(keeper, folder)
    keeper.give_back(copy)
    fresh = take(keeper, folder)
    assert fresh is not copy
    fresh.remove()


def test_another_folder_gets_a_fresh_copy_and_the_kept_one_goes(folder, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "b.py").write_text("print('b')\n")
    keeper = scratch.LastCopy()
    copy = take(keeper, folder)
    keeper.give_back(copy)
    fresh = keeper.take(str(other / "b.py"), "other/b.py")
    assert fresh is not copy and not os.path.exists(copy.root)
    assert os.listdir(fresh.copy_dir) == ["b.py"]
    keeper.give_back(fresh)
    keeper.drop()
    assert not os.path.exists(fresh.root)


READER = "import os\nprint(os.getcwd().rsplit('/src/', 1)[0], sorted(os.listdir('.')), open('data.txt').read().strip())\n"
LATE_READER = "import time\ntime.sleep(0.3)\n" + READER
WRITER = "open('note.txt', 'w').write('x')\nopen('data.txt', 'a').write('appended\\n')\nprint('wrote')\n"
LEAVER = """import os, subprocess
subprocess.Popen(["sh", "-c", "(sleep 0.05; echo x > late.txt) & wait"], start_new_session=True)
print(os.getcwd().rsplit('/src/', 1)[0], 'left a writer behind')
"""


def test_through_a_worker_the_copy_is_reused_and_no_run_sees_what_another_left(tmp_path):
    """One worker, runs one after the other: readers reuse one copy, a writer's copy is never
    handed on, and what a run left running (a new session, out of its process group, and
    its child) is killed before its copy is: the last reader waits long enough to see the
    late write, if it could happen."""
    folder = tmp_path / "page"
    folder.mkdir()
    (folder / "a.py").write_text("print('a')\n")
    (folder / "data.txt").write_text("original\n")
    for name, source in (("reader", READER), ("writer", WRITER), ("leaver", LEAVER), ("late_reader", LATE_READER)):
        (folder / f"{name}.py").write_text(source)
    time.sleep(scratch.RACY + 0.1)  # the worker's own RACY rule: files older than that
    worker = client.Worker(str(folder.parent), "cpu", dict(os.environ, CUDA_VISIBLE_DEVICES=""))
    try:
        def run(name):
            request = {"script": str(folder / f"{name}.py"), "title": f"page/{name}.py", "timeout": 60, "max_output": 10_000}
            return judge.shown(worker.run(request, name).result(timeout=120))

        shown = [run(name) for name in ("reader", "reader", "writer", "reader", "leaver", "late_reader")]
    finally:
        worker.close()
    files = ["a.py", "data.txt", "late_reader.py", "leaver.py", "reader.py", "writer.py"]
    readers = [shown[i].split(" ", 1) for i in (0, 1, 3, 5)]
    assert all(rest == f"{files} original\n" for _, rest in readers)
    assert readers[0][0] == readers[1][0]  # the second reader got the first one's copy
    assert readers[2][0] != readers[1][0]  # the writer's copy went
    assert shown[2] == "wrote\n" and shown[4] == f"{readers[2][0]} left a writer behind\n"
    assert readers[3][0] == readers[2][0]  # the leaver's copy was safe to hand on: its writer is dead
    assert sorted(os.listdir(folder)) == files
