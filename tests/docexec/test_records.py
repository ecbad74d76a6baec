"""docexec.records: outputs recorded for another device (CUDA), tested on the CPU with
fixture records: tabs and their labels, "same on CUDA", stale and refused records, the
check, and recording that keeps going past a failure."""

import json
import shutil

import markdown
import pytest

from docexec import cache, devices, records, session
from docexec.directive import Directive
from docexec.run.result import RaisedError
from docexec.settings import Settings

FAKE = {"gpu": "Fake GPU 80GB", "torch": "2.13.0+cu130", "cuda": "13.0", "date": "2026-11-24"}
CONFIG = {"records": "recorded", "cache_dir": ""}
CUDA = devices.get("cuda")


def page_of(name, options=""):
    return f'```python exec{options}\n--8<-- "page/{name}.py"\n```\n'


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    return tmp_path_factory.mktemp("records")


@pytest.fixture
def project(shared, monkeypatch):
    """The project folder of every test here, emptied: one folder, so one pair of workers
    (started by the first test that runs a snippet) serves them all."""
    for name in ("snippets", "docs", "recorded"):
        shutil.rmtree(shared / name, ignore_errors=True)
    (shared / "snippets" / "page").mkdir(parents=True)
    (shared / "docs").mkdir()
    monkeypatch.chdir(shared)
    return shared


@pytest.fixture
def site(project):
    def snippet(name, source, cuda_output=None, stale=False, options="", extra=None, **key_parts):
        path = project / "snippets" / "page" / f"{name}.py"
        path.write_text(source)
        if cuda_output is not None:
            key = cache.make_key(str(path), "cuda", [], project)
            key["torch"] = FAKE["torch"]  # the GPU machine's build
            key.update(key_parts)
            if stale:
                key["source"] = "0" * 64
            target = records.record_path("recorded", "cuda", str(path))
            target.parent.mkdir(parents=True, exist_ok=True)
            entry = {"snippet": f"page/{name}.py", "output": cuda_output, "key": key, **FAKE, **(extra or {})}
            target.write_text(json.dumps(entry))
        return page_of(name, options)

    def render(page):
        (project / "docs" / "page.md").write_text(page)
        session.begin(Settings.load(CONFIG))  # a new build, in this folder
        md = markdown.Markdown(
            extensions=["admonition", "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.snippets", "docexec.extension"],
            extension_configs={
                "pymdownx.tabbed": {"alternate_style": True},
                "pymdownx.snippets": {"base_path": ["snippets"], "check_paths": True},
                "docexec.extension": CONFIG,
            },
        )
        return md.convert(page)

    return snippet, render


TRACEBACK = 'Traceback (most recent call last):\n  File "page/{name}.py", line 1, in <module>\n{error}\n'


def test_same_output_says_so_and_names_the_record(site):
    snippet, render = site
    out = render(snippet("same", "print(6 * 7)\n", cuda_output="42\n"))
    assert "Output · same on CUDA · Fake GPU 80GB · torch 2.13.0</span>" in out
    assert "tabbed-set" not in out


def test_different_output_is_shown_in_tabs_labelled_with_the_records_provenance(site):
    snippet, render = site
    out = render(snippet("differs", "print('tensor([1.])')\n", cuda_output="tensor([1.], device='cuda:0')\n"))
    assert "tabbed-set" in out
    assert ">CPU · torch 2.13.0</label>" in out and ">CUDA · Fake GPU 80GB · torch 2.13.0</label>" in out
    assert "Output</span><pre><code>tensor([1.])</code>" in out
    assert "Output on Fake GPU 80GB, torch 2.13.0+cu130, CUDA 13.0, recorded 2026-11-24</span>" in out
    assert "<pre><code>tensor([1.], device='cuda:0')</code></pre>" in out


def test_the_tab_label_drops_the_builds_local_version():
    record = {**FAKE, "gpu": "NVIDIA H200", "torch": "2.11.0+cu130"}
    assert CUDA.tab(record) == "CUDA · NVIDIA H200 · torch 2.11.0"
    assert CUDA.provenance(record) == "NVIDIA H200, torch 2.11.0+cu130, CUDA 13.0, recorded 2026-11-24"


def test_a_note_explains_a_difference_of_torch_version(site, project):
    snippet, render = site
    page = snippet("named", "print('Exp')\n", cuda_output="ExpBackward0\n", extra={"torch": "2.11.0+cu130"})
    (project / "recorded" / "cuda" / "differences.yml").write_text("page/named.py: torch 2.11 calls the node `ExpBackward0`.\n")
    out = render(page)
    assert ('<p class="docexec-note">Not a difference of the device: this record was made with torch 2.11.0+cu130. '
            "torch 2.11 calls the node <code>ExpBackward0</code>.</p>") in out


def test_library_paths_in_a_record_are_shortened(site):
    snippet, render = site
    frame = '  File "/opt/torch/.venv/lib/python3.12/site-packages/torch/_tensor.py", line 5, in f\n'
    out = render(snippet("lib", "print('x')\n", cuda_output=frame))
    assert "…/site-packages/torch/_tensor.py" in out and "/opt/torch" not in out


def test_stale_record_is_never_shown_as_current(site):
    snippet, render = site
    out = render(snippet("old", "print('new version')\n", cuda_output="OLD CUDA OUTPUT\n", stale=True))
    assert "OLD CUDA OUTPUT" not in out
    assert "Recorded CUDA output not shown" in out and "older version of the snippet" in out and "new version" in out


def test_editing_a_snippet_makes_its_record_stale(site, project):
    snippet, render = site
    snippet("edited", "print(1)\n", cuda_output="1\n")
    (project / "snippets" / "page" / "edited.py").write_text("print(2)\n")
    out = render(page_of("edited"))
    assert "older version of the snippet" in out and "same on CUDA" not in out


def test_a_record_with_another_error_than_the_fence_declares_is_refused(site):
    """A declared type is not enough: the record must end with the fence's message too
    (an executor's own CUDA error is a RuntimeError as well)."""
    snippet, render = site
    source = "import torch\ntorch.ones(2).backward()\n"
    wrong = TRACEBACK.format(name="wrong", error="RuntimeError: Cannot re-initialize CUDA in forked subprocess.")
    out = render(snippet("wrong", source, cuda_output=wrong, options=' raises="RuntimeError" match="element 0"'))
    assert "forked subprocess.</code></pre>" not in out and "tabbed-set" not in out  # no output block of it
    assert "Recorded CUDA output not shown" in out and "does not end as the fence declares" in out
    assert "expected a message matching: &#x27;element 0&#x27;" in out or "expected a message matching: 'element 0'" in out


def test_a_record_that_raised_where_the_fence_declares_nothing_is_refused(site):
    snippet, render = site
    out = render(snippet("crash", "print(1)\n", cuda_output=TRACEBACK.format(name="crash", error="ValueError: boom")))
    assert "ValueError: boom</code></pre>" not in out and "does not end as the fence declares" in out


def test_a_record_with_the_declared_error_is_shown(site):
    snippet, render = site
    source = "import torch\ntorch.ones(2).backward()\n"
    right = TRACEBACK.format(name="right", error="RuntimeError: element 0 of tensors does not require grad (CUDA)")
    out = render(snippet("right", source, cuda_output=right, options=' raises="RuntimeError" match="element 0"'))
    assert "does not require grad (CUDA)" in out and ">CUDA · Fake GPU 80GB · torch 2.13.0</label>" in out


@pytest.mark.parametrize(
    ("output", "error"),
    [
        ("ok\n", None),
        (TRACEBACK.format(name="x", error="RuntimeError: one\ntwo"), RaisedError("RuntimeError", "builtins", "one\ntwo", None)),
        (TRACEBACK.format(name="x", error="torch.autograd.gradcheck.GradcheckError: Jacobian mismatch"),
         RaisedError("GradcheckError", "torch.autograd.gradcheck", "Jacobian mismatch", None)),
        (TRACEBACK.format(name="x", error="KeyboardInterrupt"), RaisedError("KeyboardInterrupt", "builtins", "", None)),
    ],
)
def test_a_record_made_before_records_kept_the_error_is_read_from_its_traceback(output, error):
    assert records.error_of({"output": output}) == error


def test_a_record_that_kept_its_error_is_believed():
    error = {"type": "RuntimeError", "module": "builtins", "message": "m", "line": 3}
    assert records.error_of({"output": "anything", "error": error}) == RaisedError("RuntimeError", "builtins", "m", 3)
    assert records.error_of({"output": TRACEBACK.format(name="x", error="ValueError: v"), "error": None}) is None


def test_is_current_follows_the_source_and_the_files_it_read(site, project):
    snippet, _ = site
    snippet("reads", "print(open('data.txt').read())\n")
    script, data = project / "snippets" / "page" / "reads.py", project / "snippets" / "page" / "data.txt"
    data.write_text("one\n")
    key = cache.make_key(str(script), "cuda", ["snippets/page/data.txt"], project)
    record = {"key": {**key, "torch": "0.1", "executor": "x"}}
    assert records.is_current(record, str(script), project)
    data.write_text("two\n")
    assert not records.is_current(record, str(script), project)
    data.unlink()
    assert not records.is_current(record, str(script), project)


def test_a_record_from_another_torch_or_executor_stays_current(site):
    """The GPU machine may have its own torch; staleness is the snippet's own business."""
    snippet, render = site
    out = render(snippet("other", "print(5)\n", cuda_output="5\n", torch="1.0.0", executor="elsewhere"))
    assert "same on CUDA · Fake GPU 80GB" in out and "not shown" not in out


def test_no_record_shows_only_the_build_output(site):
    snippet, render = site
    out = render(snippet("none", "print('cpu only')\n"))
    assert "cpu only" in out and "CUDA" not in out


def test_a_cuda_build_shows_no_cuda_records(tmp_path):
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "x.py").write_text("print(1)\n")
    job = type("Job", (), {"file": str(tmp_path / "page" / "x.py"), "title": "page/x.py", "directive": Directive()})
    target = records.record_path(str(tmp_path / "recorded"), "cuda", job.file)
    target.parent.mkdir(parents=True)
    key = cache.make_key(job.file, "cuda", [], tmp_path)
    target.write_text(json.dumps({"snippet": "page/x.py", "output": "1\n", "key": key, **FAKE}))
    (shown,) = records.for_fence(Settings(root=str(tmp_path), records="recorded"), job)
    assert shown.device is CUDA and shown.refused is None and shown.output == "1\n"
    assert records.for_fence(Settings(root=str(tmp_path), device="cuda", records="recorded"), job) == []
    assert records.for_fence(Settings(root=str(tmp_path), records=""), job) == []


def test_check_lists_stale_refused_and_missing(site, project, capsys):
    snippet, _ = site
    text = (
        snippet("fresh", "print(1)\n", cuda_output="1\n")
        + snippet("old", "print(2)\n", cuda_output="2\n", stale=True)
        + snippet("never", "print(3)\n")
        + snippet("crash", "print(4)\n", cuda_output=TRACEBACK.format(name="crash", error="ValueError: boom"))
    )
    (project / "docs" / "page.md").write_text(text)
    code = records.main(["--check"])
    out = capsys.readouterr().out
    assert code == 1
    assert "stale: page/old.py" in out and "stale: page/fresh.py" not in out
    assert "refused: page/crash.py: it does not end as the fence declares: page/crash.py: raised ValueError: boom" in out
    assert "4 snippets: 1 CUDA records current, 1 stale, 1 refused, 1 missing" in out


def test_check_passes_when_nothing_is_stale(site, project, capsys):
    snippet, _ = site
    (project / "docs" / "page.md").write_text(snippet("fresh", "print(1)\n", cuda_output="1\n") + snippet("never", "print(3)\n"))
    assert records.main(["--check"]) == 0
    assert "2 snippets: 1 CUDA records current, 0 stale, 0 refused, 1 missing" in capsys.readouterr().out


def test_recording_needs_the_device(site, project, monkeypatch, capsys):
    snippet, _ = site
    (project / "docs" / "page.md").write_text(snippet("x", "print(1)\n"))
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert records.main([]) == 2
    assert "no CUDA device here" in capsys.readouterr().err


def test_recording_keeps_going_past_a_failure_and_writes_no_record_for_it(site, project, capsys):
    """Run on this machine's CPU as if it had the device: every snippet is run and judged,
    the failures are listed at the end, and only what passed is recorded, with how it ended."""
    snippet, _ = site
    (project / "docs" / "page.md").write_text(
        snippet("first", "print('one')\n")
        + snippet("broken", "print('two')\nraise ValueError('not declared')\n")
        + snippet("declared", "import torch\ntorch.ones(2).backward()\n", options=' raises="RuntimeError" match="element 0"')
        + snippet("wrong", "raise RuntimeError('unrelated')\n", options=' raises="RuntimeError" match="element 0"')
    )
    fake = devices.Device("cuda", "CUDA", available=lambda torch: True, describe=lambda torch: {"gpu": "This CPU"})
    settings = Settings(root=str(project), docs_dir="docs", records="recorded", timeout=30)
    assert records.record_all(settings, fake) == 1
    out = capsys.readouterr().out
    assert "recorded page/first.py" in out and "recorded page/declared.py" in out
    assert "FAILED page/broken.py" in out and "FAILED page/wrong.py" in out
    assert "2 of 4 snippets recorded on CUDA" in out
    failures = out.split("failed:\n")[1]
    assert "page/broken.py: page/broken.py:2: raised ValueError: not declared" in failures
    assert "expected a message matching: 'element 0'" in failures
    assert records.load("recorded", "cuda", str(project / "snippets/page/broken.py")) is None
    assert records.load("recorded", "cuda", str(project / "snippets/page/wrong.py")) is None
    kept = records.load("recorded", "cuda", str(project / "snippets/page/declared.py"))
    assert kept["gpu"] == "This CPU" and kept["status"] == 1
    assert (kept["error"]["type"], kept["error"]["line"]) == ("RuntimeError", 2)
    assert records.error_of(kept) == RaisedError(**kept["error"])
    first = records.load("recorded", "cuda", str(project / "snippets/page/first.py"))
    assert (first["output"], first["status"], first["error"]) == ("one\n", 0, None)
    assert records.is_current(first, str(project / "snippets/page/first.py"), project)
