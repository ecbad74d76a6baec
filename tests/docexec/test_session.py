"""docexec.session: one build. Each page scanned once, each file hashed once, every snippet
of the site queued at once, and every snippet that may not be published reported once, at
the end, after every page has run."""

import time
from concurrent.futures import Future
from pathlib import Path

import pytest

from docexec import fences, session
from docexec.cache import Hashes
from docexec.directive import Directive
from docexec.errors import SnippetError
from docexec.run import client
from docexec.run.result import RunResult
from docexec.settings import Settings


def ok(output="x\n") -> list[RunResult]:
    return [RunResult(output, 0, time.time(), finished=True)] * 2


class FakePool:
    """Answers every program at once with what ``answers`` says for its title (two good runs
    by default), and remembers what it was asked."""

    def __init__(self, answers=None):
        self.answers = answers or {}
        self.submitted = []

    def submit(self, script, title, timeout):
        self.submitted.append((title, timeout))
        future = Future()
        answer = self.answers.get(title, ok())
        if isinstance(answer, BaseException):
            future.set_exception(answer)
        else:
            future.set_result(answer)
        return future


@pytest.fixture
def pool(monkeypatch):
    fake = FakePool()
    monkeypatch.setattr(client, "get_pool", lambda settings: fake)
    return fake


@pytest.fixture
def site(tmp_path):
    """Three pages of snippets: index.md (one), a.md (two), b.md (one)."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "snippets").mkdir()
    pages = {"index": ["i.py"], "a": ["a1.py", "a2.py"], "b": ["b.py"]}
    for page, names in pages.items():
        for name in names:
            (tmp_path / "snippets" / name).write_text(f"print({name!r})\n")
        fence = "".join(f'```python exec timeout=7\n--8<-- "{name}"\n```\n\n' for name in names)
        (tmp_path / "docs" / f"{page}.md").write_text(f"# {page}\n\n{fence}")
    return tmp_path


def settings(root, **options) -> Settings:
    return Settings(root=str(root), docs_dir="docs", cache_dir="", **options)


def jobs(sess, page):
    return sess.page_jobs(sess.root / "docs" / f"{page}.md", fences.resolver(sess.root / "snippets"))


def test_the_site_is_queued_page_by_page_in_build_order_once(site, pool):
    sess = session.Session(settings(site))
    resolve = fences.resolver(site / "snippets")
    sess.prefetch_site(resolve)
    sess.prefetch_site(resolve)
    assert pool.submitted == [("i.py", 7.0), ("a1.py", 7.0), ("a2.py", 7.0), ("b.py", 7.0)]
    assert sess.pages[str(site / "snippets" / "a2.py")] == "docs/a.md"


def test_nothing_is_queued_when_execution_is_off(site, pool):
    session.Session(settings(site, execute=False)).prefetch_site(fences.resolver(site / "snippets"))
    assert pool.submitted == []


def test_a_page_is_scanned_once_per_build(site, pool, monkeypatch):
    scans = []
    real = fences.mark_outputs
    monkeypatch.setattr(fences, "mark_outputs", lambda lines, resolve: scans.append(lines) or real(lines, resolve))
    sess = session.Session(settings(site))
    sess.prefetch_site(fences.resolver(site / "snippets"))
    for page in ("index", "a", "b"):
        lines = (site / "docs" / f"{page}.md").read_text().split("\n")
        assert sess.scan(lines, fences.resolver(site / "snippets"))[1] == jobs(sess, page)
    assert len(scans) == 3


def test_each_file_is_hashed_once_until_it_changes(tmp_path, monkeypatch):
    from docexec import cache

    hashed = []
    real = cache.file_hash
    monkeypatch.setattr(cache, "file_hash", lambda path: hashed.append(path) or real(path))
    file = tmp_path / "f.py"
    file.write_text("x\n")
    hashes = Hashes()
    assert hashes(file) == hashes(str(file)) == real(file)
    assert hashed == [str(file)]
    file.write_text("edited\n")  # another size: under mkdocs serve the same build's Hashes sees it
    assert hashes(file) == real(file) and len(hashed) == 2


def test_obtain_gives_this_builds_runs_and_remembers_them(site, pool):
    sess = session.Session(settings(site))
    (job,) = jobs(sess, "b")
    record = sess.obtain(job)
    assert [run.output for run in record.runs] == ["x\n", "x\n"] and not record.cached
    assert sess.obtain(job) is record and len(pool.submitted) == 1


def test_a_snippet_edited_since_its_run_is_run_again(site, pool):
    """Under `mkdocs serve` a session's records outlive an edit."""
    sess = session.Session(settings(site))
    (job,) = jobs(sess, "b")
    sess.obtain(job)
    (site / "snippets" / "b.py").write_text("print('edited')\n")
    sess.obtain(job)
    assert len(pool.submitted) == 2


def test_a_worker_failure_reaches_the_page_as_itself(site, pool):
    pool.answers["b.py"] = client.WorkerError("the docexec worker ended (exit status -9) while running: b.py")
    sess = session.Session(settings(site))
    (job,) = jobs(sess, "b")
    with pytest.raises(client.WorkerError, match="worker ended"):
        sess.obtain(job)


def test_worker_errors_are_not_snippet_errors():
    """A page that catches what a snippet did wrong must not swallow the executor's failure."""
    assert not issubclass(client.WorkerError, SnippetError)


def fail(sess, page, index, message="boom\nsecond line"):
    job = jobs(sess, page)[index]
    sess.failed(job, SnippetError(message))


def test_a_build_fails_once_every_page_has_run_listing_every_failure(site, pool):
    sess = session.Session(settings(site))
    sess.prefetch_site(fences.resolver(site / "snippets"))
    fail(sess, "index", 0, "i.py:1: raised ValueError: first\nmore")
    sess.rendered(jobs(sess, "index"))  # pages still to come: no failure yet
    fail(sess, "a", 1, "a2.py: ended with exit status 3")
    sess.rendered(jobs(sess, "a"))
    with pytest.raises(SnippetError) as caught:
        sess.rendered(jobs(sess, "b"))  # the last page
    assert str(caught.value).startswith(
        "2 snippet(s) may not be published:\n"
        "  docs/index.md: i.py:1: raised ValueError: first\n"
        "  docs/a.md: a2.py: ended with exit status 3\n"
        "\nDetails:\n\n"
        "docs/index.md: i.py:1: raised ValueError: first\nmore\n\n"
    )
    sess.fail_now()  # once: the end of the build (the hook) asks again


def test_a_snippet_of_no_page_of_the_site_fails_at_once(tmp_path):
    """Plain Python-Markdown (no docs_dir), or a page converted on its own: nothing is
    left to wait for."""
    (tmp_path / "s.py").write_text("print(1)\n")
    sess = session.Session(Settings(root=str(tmp_path), cache_dir=""))
    job = fences.Job("s.py", str(tmp_path / "s.py"), Directive(), 3)
    with pytest.raises(SnippetError) as caught:
        sess.failed(job, SnippetError("exec fence at line 3: s.py: broken"))
    assert str(caught.value) == "exec fence at line 3: s.py: broken"
    shown = session.Session(Settings(root=str(tmp_path), cache_dir="", errors="show"))
    shown.failed(job, SnippetError("exec fence at line 3: s.py: broken"))  # noted, shown on its page
    assert [failure.message for failure in shown.failures] == ["exec fence at line 3: s.py: broken"]


def test_with_errors_shown_the_build_does_not_fail(site, pool):
    sess = session.Session(settings(site, errors="show"))
    sess.prefetch_site(fences.resolver(site / "snippets"))
    fail(sess, "b", 0)
    for page in ("index", "a", "b"):
        sess.rendered(jobs(sess, page))
    sess.fail_now()  # the end of the build (the hook's on_env): the site is served as it is
    assert [failure.title for failure in sess.failures] == ["b.py"]


def test_a_failure_is_summed_up_by_its_page_and_the_first_line_of_its_message():
    message = "exec fence at line 4: x.py:2: raised E: one\ntwo"
    assert session.Failure("docs/x.md", 4, "x.py", message).summary() == "docs/x.md: exec fence at line 4: x.py:2: raised E: one"
    assert session.Failure("", 4, "x.py", message).summary() == "exec fence at line 4: x.py:2: raised E: one"


def test_completed_runs_are_those_that_ended_on_their_own():
    assert session.completed(ok())
    assert not session.completed(ok()[:1])
    assert not session.completed([RunResult("", -9, 0.0, timeout=3.0)] * 2)
    assert not session.completed([RunResult("", -11, 0.0)] * 2)  # crashed: no report


def test_current_is_one_session_per_settings(tmp_path):
    a = Settings(root=str(tmp_path), cache_dir="")
    assert session.current(a) is session.current(Settings(root=str(tmp_path), cache_dir=""))
    assert session.current(a) is not session.current(Settings(root=str(tmp_path), cache_dir="", timeout=5))


def test_a_new_build_takes_over_what_the_validation_session_queued(tmp_path, monkeypatch):
    """MkDocs builds a Markdown instance while it validates mkdocs.yml, before the hook sets
    the command and the root: what that session queued carries over to the build's, so no
    snippet runs twice. A session whose settings change what a run is starts empty."""
    pools = []
    monkeypatch.setattr(client, "get_pool", lambda settings: pools.append(settings) or FakePool())
    monkeypatch.chdir(tmp_path)
    validation = session.begin(Settings(cache_dir="c"))
    validation.pending["snips/show.py"] = ("its future", "its source hash")
    validation.pages["snips/show.py"] = "docs/show.md"
    served = session.begin(Settings(cache_dir="c", command="serve", errors="show", keep_warm=True, root=str(tmp_path)))
    assert served.pending == {"snips/show.py": ("its future", "its source hash")}
    assert served.unrendered == {"snips/show.py"}
    assert pools and pools[-1].keep_warm  # the workers running them are told to stay warm
    assert session.current(served.settings) is served
    other = session.begin(Settings(cache_dir=str(tmp_path / "elsewhere")))
    assert other.pending == {}
    again = session.begin(served.settings)
    assert again is not served and again.records == {}  # a rebuild under serve: a new record of this build


# -- in a real `mkdocs build` ---------------------------------------------------------

BROKEN = {
    "zero.py": ("x = 1\nprint(x / 0)\n", "zero.py:2: raised ZeroDivisionError: division by zero"),
    "name.py": ("print(undefined)\n", "name.py:1: raised NameError: name 'undefined' is not defined"),
    "leave.py": ("import sys\nsys.exit(3)\n", "leave.py: ended with exit status 3, expected 0"),
    "key.py": ("raise KeyError('k')\n", "key.py:1: raised KeyError: 'k'"),
    "value.py": ("\n\nraise ValueError('first line\\nsecond line')\n", "value.py:3: raised ValueError: first line"),
}


@pytest.mark.build
def test_five_broken_snippets_on_several_pages_fail_the_build_once_at_its_end(scratch_site):
    site = scratch_site()
    for name, (source, _) in BROKEN.items():
        site.snippet(name, source)
    site.snippet("fine_a.py", "print('fine a')\n")
    site.snippet("fine_c.py", "print('fine c')\n")
    site.page("a", "zero.py", "fine_a.py", "name.py")
    site.page("b", "leave.py")
    site.page("c", "fine_c.py")
    site.page("d", "key.py", "value.py")
    done = site.build()
    assert done.returncode == 1
    err = done.stderr
    assert err.count("may not be published") == 1, err
    assert "Error reading page" not in err  # raised once every page is read, not as the last one's error
    assert not (site.root / "out" / "a" / "index.html").exists()  # and before the site is written (on_env)
    listing = err.split("5 snippet(s) may not be published:\n")[1].split("\n\nDetails:")[0].split("\n")
    where = [("a", 3), ("a", 11), ("b", 3), ("d", 3), ("d", 7)]
    assert len(listing) == 5
    for line, (page, fence), (_, first) in zip(listing, where, BROKEN.values()):
        assert line.startswith(f"  docs/{page}.md: exec fence at line {fence}: {first}"), line
    assert "second line" not in "\n".join(listing)  # the first line of each error only
    # every page ran: the good snippets on the pages before and after the failures are cached
    cached = sorted(p.name for p in (site.root / ".cache" / "docexec" / "cpu").rglob("*.json"))
    assert cached == sorted(f"{Path(name).stem}.json" for name in [*BROKEN, "fine_a.py", "fine_c.py"])


@pytest.mark.build
def test_with_errors_shown_a_build_publishes_the_error_on_its_page(scratch_site):
    site = scratch_site()
    site.config(errors="show")
    site.snippet("zero.py", "print(1 / 0)\n")
    site.snippet("fine.py", "print('fine')\n")
    site.page("page", "zero.py", "fine.py")
    done = site.build()
    assert done.returncode == 0, done.stderr
    page = site.html("page")
    assert "This snippet may not be published" in page and "ZeroDivisionError: division by zero" in page
    assert "<pre><code>fine</code></pre>" in page
