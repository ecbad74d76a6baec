"""The page shows what `python file.py` prints in a terminal, and a build cleans up.

Each program in ``programs/`` is run twice: as ``python file.py`` in a pseudo-terminal
(the reference) and through the site's Markdown pipeline. The two views must be equal
after the two documented changes (the program's absolute path becomes its title path;
library paths are shown from ``site-packages/`` or ``lib/pythonX.Y/`` on).
"""

from __future__ import annotations

import glob
import os
import signal
import time
from pathlib import Path

import pytest

from docexec.errors import PageError, SnippetError
from docexec.run import client, scratch
from tests.fidelity.harness import convert, copy_program, fence, outputs, page_view, python_view
from tests.scratch_site import scratch_site, stop  # noqa: F401 - scratch_site: a fixture

# program -> the fence options that declare how it ends
SAME = {
    "fid/warn_format.py": "",
    "fid/lib_warning.py": "",
    "fid/repeated_warning.py": "",
    "fid/print_stack.py": "",
    "fid/chained.py": ' raises="RuntimeError" match="could not load the config"',
    "fid/context_chain.py": ' raises="ZeroDivisionError" match="division by zero"',
    "fid/exc_group.py": ' raises="ExceptionGroup" match="some values are negative"',
    "fid/library_frames.py": ' raises="JSONDecodeError" match="Expecting property name"',
    "fid/syntax_error.py": ' raises="SyntaxError" match="never closed"',
    "fid/exit_zero.py": "",
    "fid/exit_main_none.py": "",
    "fid/exit_two.py": " exit=2",
    "fid/exit_string.py": " exit=1",
    "fid/os_exit.py": " exit=3",
    "fid/atexit_print.py": "",
    "fid/thread_print.py": "",
    "fid/stdin_input.py": "",
    "fid/whitespace.py": "",
    "fid/progress_cr.py": "",
    "fid/ansi.py": "",
    "fid/printf_c.py": "",
    "fid/interleave.py": "",
    "fid/logging_use.py": "",
    "fid/figure_size.py": ' alt="a parabola"',
    "fid/data_file.py": "",
    "fid/spawn.py": "",
    "fid/state_probe.py": "",
    "fid/file_path.py": "",
    "fid/unicode_out.py": "",
}


def chomp(text: str) -> str:
    return text[:-1] if text.endswith("\n") else text


def _processes(marker: str, *folders: Path) -> list[str]:
    """Command lines of live processes (zombies aside) that contain ``marker`` and work in
    one of ``folders`` (so that a test run beside this one, by pytest-xdist, is not seen)."""
    found = []
    for status in glob.glob("/proc/[0-9]*/status"):
        try:
            if "\nState:\tZ" in Path(status).read_text():
                continue
            cwd = os.readlink(Path(status).with_name("cwd"))
            cmdline = Path(status).with_name("cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmdline and any(cwd.startswith(str(folder)) for folder in folders):
            found.append(cmdline)
    return found


def _kill_under(*folders: Path) -> None:
    """Kill, by their ids, the processes working in ``folders``: what a failed test left
    running (workers work in the site's folder, runs in copies under the private TMPDIR)."""
    for cwd in glob.glob("/proc/[0-9]*/cwd"):
        try:
            if any(os.readlink(cwd).startswith(str(folder)) for folder in folders):
                os.kill(int(cwd.split("/")[2]), signal.SIGKILL)
        except (OSError, ValueError):
            continue


@pytest.fixture(scope="module", autouse=True)
def private_tmpdir(tmp_path_factory):
    """The runs under test make their folders in a temporary folder of their own (TMPDIR,
    which the workers and the builds started here inherit), so that a build running beside
    this suite (another clone, a second checkout) cannot make the check below fail."""
    folder = tmp_path_factory.mktemp("runs-tmp")
    client.close_all()  # workers started earlier in this process have another TMPDIR
    old = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(folder)
    yield folder
    client.close_all()
    if old is None:
        del os.environ["TMPDIR"]
    else:
        os.environ["TMPDIR"] = old


@pytest.fixture(autouse=True)
def no_temp_folders_left(private_tmpdir):
    """Once the workers are idle (a copy of a folder is kept for the next run of that folder
    for a fraction of a second, scratch.IDLE), nothing of a run is left in the temporary folder."""
    def runs_folders():  # a run's folder is in its worker's (client.Worker.folder), which lives as long as the pool
        return {path for path in glob.glob(str(private_tmpdir / "docexec-*")) if "docexec-worker-" not in path} | set(
            glob.glob(str(private_tmpdir / "docexec-worker-*" / "docexec-*")))

    before = runs_folders()
    yield
    deadline = time.monotonic() + 10 * scratch.IDLE
    while (left := runs_folders() - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"temporary folders left behind: {sorted(left)}"


@pytest.mark.parametrize("name", sorted(SAME))
def test_the_page_shows_what_python_prints(name, tmp_path):
    program = copy_program(name, tmp_path)
    expected = chomp(python_view(program, tmp_path))
    assert chomp(page_view(name, tmp_path, SAME[name])) == expected


def test_warnings_do_not_depend_on_what_the_executor_imported_first(tmp_path):
    """Importing sympy changes the warnings filters, so the same warning shows twice in
    Python; the executor must not have imported it earlier for the program."""
    names = ["fid/warn_twice_sympy.py", "fid/exit_zero.py", "fid/file_path.py", "fid/unicode_out.py", "fid/interleave.py"]
    for name in names:
        copy_program(name, tmp_path)
    page = "\n".join(fence(name) for name in names)
    shown = outputs(convert(page, tmp_path))
    expected = chomp(python_view(tmp_path / names[0], tmp_path))
    assert expected.count("UserWarning: careful") == 2
    assert chomp(shown[0]) == expected


def test_a_process_that_dies_is_reported_with_its_signal_and_output(tmp_path):
    copy_program("fid/segfault.py", tmp_path)
    with pytest.raises(SnippetError, match=r"(?s)SIGSEGV.*printed before the crash|printed before the crash.*SIGSEGV"):
        page_view("fid/segfault.py", tmp_path)


def test_an_undeclared_exit_code_fails_the_build_and_shows_what_python_printed(tmp_path):
    copy_program("fid/exit_string.py", tmp_path)
    with pytest.raises(SnippetError, match=r"(?s)exit.*1.*configuration missing"):
        page_view("fid/exit_string.py", tmp_path)


@pytest.mark.parametrize(
    "name, cause",
    [
        ("bad/set_order.py", "set order"),
        ("bad/id_decimal.py", "address"),
        ("bad/date_today.py", "clock"),
        ("bad/time_int.py", "clock"),
    ],
)
def test_nondeterministic_output_is_refused_with_its_likely_cause(name, cause, tmp_path):
    copy_program(name, tmp_path)
    with pytest.raises(SnippetError, match=cause):
        page_view(name, tmp_path)


def test_the_cache_keys_on_data_files_the_program_reads(tmp_path):
    cache = str(tmp_path / "cache")
    program = copy_program("fid/data_file.py", tmp_path / "site")
    assert page_view("fid/data_file.py", tmp_path / "site", cache_dir=cache) == "alpha"
    program.with_name("data.txt").write_text("beta\n")
    assert page_view("fid/data_file.py", tmp_path / "site", cache_dir=cache) == "beta"


def test_processes_a_program_starts_are_gone_when_it_ends(tmp_path, private_tmpdir):
    copy_program("bad/popen_sleep.py", tmp_path)
    try:
        assert page_view("bad/popen_sleep.py", tmp_path) == "started two sleeps"
        time.sleep(0.2)
        assert _processes("sleep 317.25", private_tmpdir) == []
    finally:
        _kill_under(private_tmpdir)


def test_a_forked_grandchild_does_not_hold_the_build(tmp_path, private_tmpdir):
    copy_program("bad/grandchild.py", tmp_path)
    start = time.monotonic()
    try:
        assert page_view("bad/grandchild.py", tmp_path, timeout=8) == "parent done at once"
        assert time.monotonic() - start < 6
        time.sleep(0.2)
        assert _processes(str(tmp_path / "bad"), "/") == []
    finally:
        _kill_under(private_tmpdir)


def test_a_timeout_kills_everything_the_program_started(tmp_path, private_tmpdir):
    copy_program("bad/sleeper.py", tmp_path)
    try:
        with pytest.raises(SnippetError, match=r"bad/sleeper\.py: still running after 2 s \(its timeout\); killed"):
            page_view("bad/sleeper.py", tmp_path, " timeout=2")
        time.sleep(0.3)
        assert _processes("sleep 317.75", private_tmpdir) == []
    finally:
        _kill_under(private_tmpdir)


def test_writes_next_to_the_file_land_outside_the_repository(tmp_path):
    program = copy_program("bad/write_next.py", tmp_path)
    assert page_view("bad/write_next.py", tmp_path) == "wrote written.txt"
    assert not program.with_name("written.txt").exists()


def test_output_over_the_limit_fails_naming_the_program_and_size(tmp_path):
    copy_program("bad/big_output.py", tmp_path)
    with pytest.raises(SnippetError, match=r"bad/big_output\.py: printed \d+\.\d MiB, over the limit of 1000000 bytes \(max_output"):
        page_view("bad/big_output.py", tmp_path, max_output=1_000_000)


@pytest.mark.parametrize("value", ["inf", "nan", "1e400"])
def test_a_timeout_must_be_a_finite_number(value, tmp_path):
    copy_program("fid/exit_zero.py", tmp_path)
    with pytest.raises(PageError, match=f"line 1: timeout='{value}' must be a positive, finite number of seconds"):
        convert(fence("fid/exit_zero.py", f" timeout={value}"), tmp_path)


@pytest.mark.parametrize(
    "opening, closing",
    [("```Python", "```"), ("``` { .python }", "```"), ("```ipython", "```"), ("~~~python", "~~~"), ("```PY", "```")],
)
def test_every_spelling_of_a_python_fence_is_held_to_the_rules(opening, closing, tmp_path):
    with pytest.raises(PageError, match="line 1: a ```[a-z]+ fence must hold only --8<-- includes .*; code pasted into Markdown"):
        convert(f"{opening}\nprint('pasted by hand')\n{closing}\n", tmp_path)


# -- whole builds: a failed build, an interrupted build ------------------------------


def _site(scratch_site, tmp_path: Path, pages: dict[str, list[str]]):
    """A scratch site whose pages run copies of ``programs/``; results cached outside it."""
    site = scratch_site()
    site.config(strict=False, timeout=400, cache_dir=str(tmp_path / "cache"))
    for page, names in pages.items():
        for name in names:
            copy_program(name, site.root / "snippets")
        site.write(f"docs/{page}.md", f"# {page}\n\n" + "\n".join(fence(n) for n in names))
    return site


@pytest.mark.build
def test_a_failing_build_runs_every_page_then_fails_once_leaving_nothing_running(scratch_site, tmp_path, private_tmpdir):
    """Every page runs, then the build fails once, naming both failures: a snippet that
    raised, and one that hung (killed at its timeout with what it started)."""
    site = _site(scratch_site, tmp_path, {"b_ok": ["fid/exit_zero.py"]})
    copy_program("bad/sleeper.py", site.root / "snippets")
    site.snippet("fid/slow_fail.py", "import time\ntime.sleep(3)\nraise ValueError('broken on purpose')\n")
    site.write("docs/a_fail.md", "# a\n\n" + fence("fid/slow_fail.py"))
    site.write("docs/c_slow.md", "# c\n\n" + fence("bad/sleeper.py", " timeout=4"))
    build = site.mkdocs("build", "-q", "-d", str(site.root / "out"))
    try:
        _, err = build.communicate(timeout=120)
        assert build.returncode == 1 and "2 snippet(s) may not be published" in err, err
        assert "broken on purpose" in err and "bad/sleeper.py: still running after 4 s" in err
        time.sleep(1)
        assert _processes("", site.root, private_tmpdir) == []  # no worker, no run, nothing they started
        assert sorted(p.name for p in (tmp_path / "cache").rglob("*.json")) == ["exit_zero.json", "slow_fail.json"]
    finally:
        stop(build)
        _kill_under(site.root, private_tmpdir)


@pytest.mark.build
def test_a_failed_build_leaves_nothing_running_and_keeps_finished_results(scratch_site, tmp_path, private_tmpdir):
    """A page that cannot be built stops the build at once, while a snippet of a later page
    is still running (prefetched): it is killed, and what had finished is cached."""
    site = _site(scratch_site, tmp_path, {"a_ok": ["fid/exit_zero.py"], "c_slow": ["bad/sleeper.py"]})
    site.write("docs/b_broken.md", '# b\n\n```python exec\n--8<-- "fid/gone.py"\n```\n')
    build = site.mkdocs("build", "-q", "-d", str(site.root / "out"))
    try:
        _, err = build.communicate(timeout=120)
        assert build.returncode == 1 and "snippet file 'fid/gone.py' not found" in err, err
        time.sleep(1)
        assert _processes("", site.root, private_tmpdir) == []  # no worker, no run, nothing they started
        cached = [p.name for p in (tmp_path / "cache").rglob("*.json")]
        assert cached == ["exit_zero.json"], f"finished results were not cached: {cached}"
    finally:
        stop(build)
        _kill_under(site.root, private_tmpdir)


@pytest.mark.build
def test_ctrl_c_stops_the_build_at_once_and_cleanly(scratch_site, tmp_path, private_tmpdir):
    """The build is started with Ctrl-C's default action whatever pytest was started with
    (``&`` in a script ignores SIGINT, and the children would inherit that)."""
    site = _site(scratch_site, tmp_path, {"index": ["bad/sleeper.py", "bad/write_next.py", "bad/grandchild.py"]})
    build = site.mkdocs("build", "-q", "-d", str(site.root / "out"))
    try:
        time.sleep(6)  # the worker has started and is running the sleeper
        assert build.poll() is None
        os.killpg(build.pid, signal.SIGINT)
        start = time.monotonic()
        _, err = build.communicate(timeout=30)
        assert time.monotonic() - start < 2, "the build did not stop within 2 s of Ctrl-C"
        assert "docexec" not in err and "Exception ignored" not in err, err
        time.sleep(0.5)
        assert _processes("", site.root, private_tmpdir) == []  # no worker, no run, nothing they started
    finally:
        stop(build)
        _kill_under(site.root, private_tmpdir)
