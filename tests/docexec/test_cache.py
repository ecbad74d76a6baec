"""Cached results: each part of the key invalidates the entry, and nothing stale is ever shown."""

import html
import json
import os
import re
import textwrap
import time
from pathlib import Path

import markdown
import pytest

from docexec import cache, session
from docexec.errors import SnippetError
from docexec.run import client
from docexec.run.result import RunResult
from docexec.settings import Settings


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project root of its own, so dependencies are recorded inside it."""
    return tmp_path_factory.mktemp("project")


def new_build(**options) -> session.Session:
    """A new build: only the on-disk cache carries over (MkDocs' hook does this per build)."""
    return session.begin(Settings.load(options))


def convert(page: str, **options) -> str:
    md = markdown.Markdown(
        extensions=["pymdownx.superfences", "pymdownx.snippets", "docexec.extension"],
        extension_configs={
            "pymdownx.snippets": {"base_path": ["snips"], "check_paths": True},
            "docexec.extension": {"cache_dir": ".cache", **options},
        },
    )
    return md.convert(page)


@pytest.fixture
def build(project, monkeypatch):
    """``build(name)``: a new build of a page with the one exec fence ``snips/<name>.py``;
    the text of its output. ``build.sessions``: every build's session."""
    monkeypatch.chdir(project)
    (project / "snips").mkdir(exist_ok=True)
    builds = []

    def build(name: str = "show", device: str = "cpu", options: str = "") -> str:
        builds.append(new_build(cache_dir=".cache", device=device))
        out = convert(f'```python exec{options}\n--8<-- "{name}.py"\n```\n', device=device)
        return html.unescape(re.sub(r"<[^>]+>", "", out.split("Output")[1]))

    build.sessions = builds
    return build


def write(project, name, source):
    (project / "snips" / name).write_text(textwrap.dedent(source))


def last_record(build):
    (record,) = build.sessions[-1].records.values()
    return record


def test_unchanged_snippet_comes_from_the_cache(project, build):
    write(project, "show.py", "print('first')\n")
    assert "first" in build() and not last_record(build).cached
    assert "first" in build() and last_record(build).cached


def test_the_session_of_a_build_is_the_extensions(project, build):
    write(project, "show.py", "print('same session')\n")
    build()
    assert session.current(Settings.load({"cache_dir": ".cache"})) is build.sessions[-1]
    assert str(project / "snips" / "show.py") in build.sessions[-1].records


def test_editing_the_snippet_invalidates(project, build):
    write(project, "show.py", "print('before edit')\n")
    build()
    write(project, "show.py", "print('after edit')\n")
    assert "after edit" in build() and not last_record(build).cached


def test_editing_an_imported_local_module_invalidates(project, build):
    write(project, "helper.py", "VALUE = 1\n")
    write(project, "show.py", "from helper import VALUE\nprint('value', VALUE)\n")
    assert "value 1" in build()
    assert "snips/helper.py" in last_record(build).key["deps"]
    assert "value 1" in build() and last_record(build).cached
    write(project, "helper.py", "VALUE = 2\n")
    assert "value 2" in build() and not last_record(build).cached


def test_a_module_loaded_from_its_file_is_a_dependency_too(project, build):
    """importlib's spec_from_file_location recipe bypasses the import system's finders."""
    write(project, "loaded.py", "VALUE = 'a'\n")
    write(
        project,
        "by_path.py",
        """\
        import importlib.util, os, sys
        spec = importlib.util.spec_from_file_location("loaded", os.path.join(os.path.dirname(sys.argv[0]), "loaded.py"))
        module = sys.modules["loaded"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print("value", module.VALUE)
        """,
    )
    assert "value a" in build("by_path")
    assert "snips/loaded.py" in last_record(build).key["deps"]
    write(project, "loaded.py", "VALUE = 'b'\n")
    assert "value b" in build("by_path") and not last_record(build).cached


def test_editing_a_data_file_it_reads_invalidates(project, build):
    write(project, "table.csv", "a,1\n")
    write(project, "reader.py", "import os\nprint(open(os.path.join(os.path.dirname(__file__), 'table.csv')).read().strip())\n")
    assert "a,1" in build("reader")
    assert set(last_record(build).key["deps"]) == {"snips/table.csv"}
    assert "a,1" in build("reader") and last_record(build).cached
    write(project, "table.csv", "b,2\n")
    assert "b,2" in build("reader") and not last_record(build).cached


def test_files_it_writes_or_never_opens_are_no_dependencies(project, build):
    write(project, "unrelated.txt", "never read\n")
    write(project, "writer.py", "open('out.txt', 'w').write('x')\nprint('wrote')\n")
    assert "wrote" in build("writer")
    assert last_record(build).key["deps"] == {}
    write(project, "unrelated.txt", "changed\n")
    assert "wrote" in build("writer") and last_record(build).cached


def test_a_deleted_dependency_invalidates(project, build):
    write(project, "gone_helper.py", "VALUE = 'here'\n")
    write(project, "uses_gone.py", "try:\n    from gone_helper import VALUE\nexcept ImportError:\n    VALUE = 'gone'\nprint(VALUE)\n")
    assert "here" in build("uses_gone")
    (project / "snips" / "gone_helper.py").unlink()
    assert "gone" in build("uses_gone") and not last_record(build).cached


def test_a_new_torch_version_invalidates(project, build, monkeypatch):
    write(project, "show.py", "print('torch-dependent')\n")
    build()
    assert build() and last_record(build).cached
    monkeypatch.setattr(cache, "torch_version", lambda: "9.9.9")
    build()
    assert not last_record(build).cached and last_record(build).key["torch"] == "9.9.9"


@pytest.mark.parametrize("package", ["python", "numpy", "matplotlib"])
def test_a_new_python_numpy_or_matplotlib_invalidates(project, build, monkeypatch, package):
    """Outputs depend on them too: tracebacks and reprs on Python, printed arrays on NumPy,
    figures on matplotlib."""
    write(project, "show.py", f"print('{package}-dependent')\n")
    build()
    assert build() and last_record(build).cached
    versions = {**cache.environment(), package: "0.0.1"}
    monkeypatch.setattr(cache, "environment", lambda: versions)
    build()
    assert not last_record(build).cached and last_record(build).key["environment"][package] == "0.0.1"


def test_the_environment_is_read_from_package_metadata():
    import platform
    from importlib import metadata

    assert cache.environment() == {"python": platform.python_version(), "numpy": metadata.version("numpy"),
                                   "matplotlib": metadata.version("matplotlib")}


def test_a_new_executor_invalidates(project, build, monkeypatch):
    write(project, "show.py", "print('executor-dependent')\n")
    build()
    monkeypatch.setattr(cache, "executor_fingerprint", lambda: "changed")
    build()
    assert not last_record(build).cached


def test_each_device_has_its_own_entry(project, build):
    write(project, "show.py", "print('device-dependent')\n")
    build(device="cpu")
    assert (project / ".cache" / "cpu" / "snips" / "show.json").exists()
    assert not (project / ".cache" / "cuda").exists()
    key = cache.make_key(str(project / "snips" / "show.py"), "cuda", [], project)
    assert key["device"] == "cuda" and key != last_record(build).key


def test_a_changed_fence_option_is_judged_again_on_the_cached_runs(project, build):
    write(project, "fails.py", "raise ValueError('on purpose')\n")
    assert "ValueError: on purpose" in build("fails", options=' raises="ValueError" match="on purpose"')
    with pytest.raises(SnippetError, match="raised ValueError: on purpose"):
        build("fails")
    assert last_record(build).cached


def test_editing_while_it_runs_is_never_cached_as_current(project, build, monkeypatch):
    write(project, "show.py", "print('old source')\n")
    real_submit = client.Pool.submit

    def submit_then_edit(self, script, title, timeout):
        future = real_submit(self, script, title, timeout)
        future.result()
        write(project, "show.py", "print('new source')\n")
        return future

    monkeypatch.setattr(client.Pool, "submit", submit_then_edit)
    assert "old source" in build()
    monkeypatch.setattr(client.Pool, "submit", real_submit)
    assert "new source" in build()


def test_a_result_is_cached_when_its_page_is_rendered(project, monkeypatch):
    monkeypatch.chdir(project)
    (project / "snips").mkdir(exist_ok=True)
    write(project, "slow_put.py", "print('cached at once?')\n")
    real_put = cache.ResultCache.put

    def slow_put(self, *args):
        time.sleep(0.5)  # a slow disk: the race decided the same way every time
        real_put(self, *args)

    monkeypatch.setattr(cache.ResultCache, "put", slow_put)
    sess = new_build(cache_dir=".cache")
    convert('```python exec\n--8<-- "slow_put.py"\n```\n')
    assert sess.cache.get(str(project / "snips" / "slow_put.py"), "cpu") is not None


def test_a_warm_build_starts_no_worker(project, build, monkeypatch):
    write(project, "show.py", "print('warm')\n")
    build()

    def no_pool(*args):
        raise AssertionError("a warm build must not start the workers (they import torch)")

    monkeypatch.setattr(client, "get_pool", no_pool)
    assert "warm" in build()


def test_timeouts_are_not_cached(project, build):
    write(project, "slow.py", "import time\ntime.sleep(30)\n")
    md_timeout = "```python exec timeout=1\n--8<-- \"slow.py\"\n```\n"
    for _ in range(2):
        new_build(cache_dir=".cache")
        with pytest.raises(SnippetError, match="still running after 1 s"):
            convert(md_timeout)
    assert not (project / ".cache" / "cpu" / "snips" / "slow.json").exists()
    assert os.path.isdir(project / ".cache")


# -- ResultCache and keys, without running anything ------------------------------------


def answer(reads=(), output="x\n"):
    return RunResult(output, 0, 1.0, finished=True, reads=tuple(reads))


def test_the_key_names_the_files_a_run_read_relative_to_the_root(tmp_path):
    (tmp_path / "snips").mkdir()
    snippet, data = tmp_path / "snips" / "s.py", tmp_path / "snips" / "d.txt"
    snippet.write_text("print(1)\n")
    data.write_text("data\n")
    runs = [answer([str(snippet), str(data)]), answer([str(data)])]
    key = cache.key_for_runs(str(snippet), "cpu", runs, tmp_path)
    assert key["deps"] == {"snips/d.txt": cache.file_hash(str(data))}  # the snippet itself is its source
    assert key["source"] == cache.file_hash(str(snippet))
    assert key["device"] == "cpu" and key["torch"] == cache.torch_version()
    assert key["executor"] == cache.executor_fingerprint()


def test_a_run_that_never_reported_has_no_dependencies(tmp_path):
    snippet = tmp_path / "s.py"
    snippet.write_text("print(1)\n")
    crashed = RunResult("", -11, 1.0)
    assert cache.key_for_runs(str(snippet), "cpu", [crashed, crashed], tmp_path)["deps"] == {}


def test_get_gives_the_runs_and_key_until_a_file_changes(tmp_path):
    (tmp_path / "snips").mkdir()
    snippet, data = tmp_path / "snips" / "s.py", tmp_path / "snips" / "d.txt"
    snippet.write_text("print(1)\n")
    data.write_text("one\n")
    runs = [answer([str(data)]), answer([str(data)])]
    key = cache.key_for_runs(str(snippet), "cpu", runs, tmp_path)
    store = cache.ResultCache(str(tmp_path / "cache"), str(tmp_path))
    assert store.get(str(snippet), "cpu") is None
    store.put(str(snippet), "cpu", runs, key)
    assert (tmp_path / "cache" / "cpu" / "snips" / "s.json").is_file()
    assert store.get(str(snippet), "cpu") == (runs, key)
    assert store.get(str(snippet), "cuda") is None
    data.write_text("two\n")
    assert store.get(str(snippet), "cpu") is None
    data.unlink()
    assert store.get(str(snippet), "cpu") is None


def test_an_unreadable_entry_is_a_miss(tmp_path):
    snippet = tmp_path / "s.py"
    snippet.write_text("print(1)\n")
    store = cache.ResultCache(str(tmp_path / "cache"), str(tmp_path))
    store.put(str(snippet), "cpu", [answer()], cache.make_key(str(snippet), "cpu", [], tmp_path))
    (entry,) = (tmp_path / "cache").rglob("*.json")
    entry.write_text("{not json")
    assert store.get(str(snippet), "cpu") is None
    entry.write_text(json.dumps({"runs": []}))
    assert store.get(str(snippet), "cpu") is None


def test_a_snippet_outside_the_project_has_its_own_entry(tmp_path):
    inside, outside = tmp_path / "root", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    snippet = outside / "s.py"
    snippet.write_text("print(1)\n")
    store = cache.ResultCache(str(tmp_path / "cache"), str(inside))
    key = cache.make_key(str(snippet), "cpu", [], Path(inside))
    store.put(str(snippet), "cpu", [answer()], key)
    (entry,) = (tmp_path / "cache").rglob("*.json")
    assert entry.parent == tmp_path / "cache" / "cpu" / "outside"
    assert store.get(str(snippet), "cpu") == ([answer()], key)


def test_a_key_digest_is_one_sha256_of_the_whole_key(tmp_path):
    """How notebooks name their executed copies: any part of the key changes it, key order does not."""
    snippet = tmp_path / "s.py"
    snippet.write_text("print(1)\n")
    key = cache.make_key(str(snippet), "cpu", [], tmp_path)
    digest = cache.key_digest(key)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert cache.key_digest(dict(reversed(list(key.items())))) == digest
    for part in key:
        assert cache.key_digest({**key, part: "changed"}) != digest, part


WARM_BUILD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config("mkdocs.yml"))
print("torch imported:", "torch" in sys.modules)
"""


@pytest.mark.build
def test_a_warm_build_does_not_import_torch(scratch_site):
    import subprocess
    import sys

    from tests.scratch_site import environment

    site = scratch_site()
    site.snippet("ok.py", "import torch\nprint(torch.ones(2).sum().item())\n")
    site.page("page", "ok.py")
    cold = site.build()
    assert cold.returncode == 0, cold.stderr
    warm = subprocess.run([sys.executable, "-c", WARM_BUILD], cwd=site.root, capture_output=True, text=True,
                          env=environment(), timeout=300)
    assert warm.returncode == 0, warm.stderr
    assert "torch imported: False" in warm.stdout
    assert "2.0" in (site.root / "site" / "page" / "index.html").read_text()
