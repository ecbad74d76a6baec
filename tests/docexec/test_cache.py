"""Cached results: each part of the key invalidates the entry, and nothing stale is ever shown."""

import html
import os
import re
import textwrap

import markdown
import pytest

from docexec import cache, client, results


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project root of its own, so local-module dependencies are recorded inside it."""
    return tmp_path_factory.mktemp("project")


@pytest.fixture
def build(project, monkeypatch):
    monkeypatch.chdir(project)
    (project / "snips").mkdir(exist_ok=True)
    results.LEDGER.clear()

    def build(name: str = "show", device: str = "cpu") -> str:
        results.LEDGER.clear()  # a new build: only the on-disk cache carries over
        md = markdown.Markdown(
            extensions=["pymdownx.superfences", "pymdownx.snippets", "docexec.extension"],
            extension_configs={
                "pymdownx.snippets": {"base_path": ["snips"], "check_paths": True},
                "docexec.extension": {"cache_dir": ".cache", "device": device},
            },
        )
        out = md.convert(f'```python exec\n--8<-- "{name}.py"\n```\n')
        return html.unescape(re.sub(r"<[^>]+>", "", out.split("Output")[1]))

    return build


def write(project, name, source):
    (project / "snips" / name).write_text(textwrap.dedent(source))


def last_record():
    (record,) = results.LEDGER.values()
    return record


def test_unchanged_snippet_comes_from_the_cache(project, build):
    write(project, "show.py", "print('first')\n")
    assert "first" in build() and not last_record().cached
    assert "first" in build() and last_record().cached


def test_editing_the_snippet_invalidates(project, build):
    write(project, "show.py", "print('before edit')\n")
    build()
    write(project, "show.py", "print('after edit')\n")
    assert "after edit" in build() and not last_record().cached


def test_editing_an_imported_local_module_invalidates(project, build):
    write(project, "helper.py", "VALUE = 1\n")
    write(project, "show.py", "from helper import VALUE\nprint('value', VALUE)\n")
    assert "value 1" in build()
    assert "snips/helper.py" in last_record().key["deps"]
    assert "value 1" in build() and last_record().cached
    write(project, "helper.py", "VALUE = 2\n")
    assert "value 2" in build() and not last_record().cached


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
    assert "snips/loaded.py" in last_record().key["deps"]
    write(project, "loaded.py", "VALUE = 'b'\n")
    assert "value b" in build("by_path") and not last_record().cached


def test_a_new_torch_version_invalidates(project, build, monkeypatch):
    write(project, "show.py", "print('torch-dependent')\n")
    build()
    assert build() and last_record().cached
    monkeypatch.setattr(cache, "torch_version", lambda: "9.9.9")
    build()
    assert not last_record().cached and last_record().key["torch"] == "9.9.9"


def test_a_new_executor_invalidates(project, build, monkeypatch):
    write(project, "show.py", "print('executor-dependent')\n")
    build()
    monkeypatch.setattr(cache, "executor_fingerprint", lambda: "changed")
    build()
    assert not last_record().cached


def test_each_device_has_its_own_entry(project, build):
    write(project, "show.py", "print('device-dependent')\n")
    build(device="cpu")
    assert (project / ".cache" / "cpu" / "snips" / "show.json").exists()
    assert not (project / ".cache" / "cuda").exists()
    key = cache.make_key(str(project / "snips" / "show.py"), "cuda", [], project)
    assert key["device"] == "cuda" and key != last_record().key


def test_editing_while_it_runs_is_never_cached_as_current(project, build, monkeypatch):
    write(project, "show.py", "print('old source')\n")
    real_submit = client.Worker.submit

    def submit_then_edit(self, path, timeout):
        future = real_submit(self, path, timeout)
        future.result()
        write(project, "show.py", "print('new source')\n")
        return future

    monkeypatch.setattr(client.Worker, "submit", submit_then_edit)
    assert "old source" in build()
    monkeypatch.setattr(client.Worker, "submit", real_submit)
    assert "new source" in build()


def test_a_warm_build_starts_no_worker(project, build, monkeypatch):
    write(project, "show.py", "print('warm')\n")
    build()

    def no_worker(*args):
        raise AssertionError("a warm build must not start the worker (it imports torch)")

    monkeypatch.setattr(client, "get_worker", no_worker)
    assert "warm" in build()


def test_timeouts_are_not_cached(project, build):
    write(project, "slow.py", "import time\ntime.sleep(30)\n")
    md_timeout = "```python exec timeout=1\n--8<-- \"slow.py\"\n```\n"
    for _ in range(2):
        results.LEDGER.clear()
        md = markdown.Markdown(
            extensions=["pymdownx.superfences", "pymdownx.snippets", "docexec.extension"],
            extension_configs={
                "pymdownx.snippets": {"base_path": ["snips"]},
                "docexec.extension": {"cache_dir": ".cache"},
            },
        )
        with pytest.raises(Exception, match="still running after 1 s"):
            md.convert(md_timeout)
    assert not (project / ".cache" / "cpu" / "snips" / "slow.json").exists()
    assert os.path.isdir(project / ".cache")
