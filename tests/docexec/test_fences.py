"""docexec.fences: the one lexer of a page's fences (``walk``) and what is built on it
(``mark_outputs``, ``page_jobs``, ``site_pages``, ``whole_file``, ``resolver``). No
Markdown, no running."""

import markdown
import pytest

from docexec import fences
from docexec.directive import Directive
from docexec.errors import PageError


@pytest.fixture
def resolve(tmp_path):
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "a.py").write_text("# --8<-- [start:part]\nprint(1)\n# --8<-- [end:part]\n")
    (tmp_path / "page" / "b.py").write_text("print(2)\n")
    return fences.resolver(tmp_path)


PAGE = [
    "# Title",
    "",
    '```python exec raises="ValueError" match="bad"',
    '--8<-- "page/a.py"',
    "```",
    "",
    "!!! note",
    '    ~~~~python exec timeout=5',
    '    --8<-- "page/b.py"',
    "    ~~~~",
    "",
    "```python",
    '--8<-- "page/a.py:part"',
    "```",
    "```text",
    "print('not python, not checked')",
    "```",
]


def test_walk_yields_lines_outside_fences_and_each_fence_once(resolve, tmp_path):
    blocks = list(fences.walk(PAGE, resolve))
    lines = [block for block in blocks if not isinstance(block, fences.Fence)]
    found = [block for block in blocks if isinstance(block, fences.Fence)]
    assert [index for index, _ in lines] == [0, 1, 5, 6, 10]
    assert [(f.start, f.end, f.indent, f.marks) for f in found] == [(2, 4, "", "```"), (7, 9, "    ", "~~~~"),
                                                                  (11, 13, "", "```"), (14, 16, "", "```")]
    first, second, section, text = found
    assert first.job == fences.Job("page/a.py", str(tmp_path / "page" / "a.py"), Directive(raises="ValueError", match="bad"), 3)
    assert second.job == fences.Job("page/b.py", str(tmp_path / "page" / "b.py"), Directive(timeout=5.0), 8)
    assert section.job is None and text.job is None
    assert text.body == ["print('not python, not checked')"]


def test_mark_outputs_leaves_a_titled_block_and_a_numbered_placeholder_under_each_exec_fence(resolve):
    out, jobs = fences.mark_outputs(PAGE, resolve)
    assert [job.title for job in jobs] == ["page/a.py", "page/b.py"]
    assert out[2:8] == ['```python title="page/a.py"', '--8<-- "page/a.py"', "```", "", "@@docexec-output-0@@", ""]
    assert '    ~~~~python title="page/b.py"' in out and "    @@docexec-output-1@@" in out
    placeholders = [fences.OUTPUT_PLACEHOLDER.match(line) for line in out]
    assert [(m["indent"], m["index"]) for m in placeholders if m] == [("", "0"), ("    ", "1")]
    assert out[-6:] == PAGE[-6:]  # other fences are left as written


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (['```python exec', '--8<-- "page/gone.py"', "```"], "line 2: snippet file 'page/gone.py' not found"),
        (['--8<-- "page/gone.py"'], "line 1: snippet file 'page/gone.py' not found"),  # a bare include too
        (["", '```python', '--8<-- "page/a.py:nosuch"', "```"], "line 3: section 'nosuch' not found in snippet file"),
        (['```python', '--8<-- "page/a.py:1:2"', "```"], "line 2: 'page/a.py:1:2' includes by line numbers"),
        (["```python", "print('pasted')", "```"], "line 1: a ```python fence must hold only --8<-- includes"),
        (["``` { .Python }", "print('pasted')", "```"], "line 1: a ```python fence must hold only --8<-- includes"),
        (["~~~ipython", "~~~"], "line 1: a ```ipython fence must hold only --8<-- includes"),  # an empty one too
        (['```python exec', '--8<-- "page/a.py:part"', "```"], "line 1: exec runs whole files; 'page/a.py:part' names a section"),
        (['```python exec colour=red', '--8<-- "page/a.py"', "```"], "line 1: unknown option(s) colour"),
        (['```python exec', '--8<-- "page/a.py"', '--8<-- "page/b.py"', "```"], "line 1: an exec fence must hold exactly one"),
        (['```python exec', '--8<-- "page/a.py"'], "line 1: code fence '```' is never closed"),
    ],
)
def test_a_page_that_cannot_be_built_as_written_names_the_line(resolve, page, message):
    with pytest.raises(PageError) as caught:
        list(fences.walk(page, resolve))
    assert message in str(caught.value)
    assert caught.value.line == int(message.split(":")[0].removeprefix("line "))  # the line at fault, for serve


@pytest.mark.parametrize(
    ("line", "block"),
    [(1, (0, 0)), (4, (2, 4)), (3, (2, 4)), (5, (2, 4)), (6, (5, 5)), (8, (6, 8)), (10, (9, 9)), (12, (10, 11))],
)
def test_fence_around_is_the_block_that_holds_a_line(line, block):
    """What mkdocs serve replaces by the error of a block that cannot be built; the line
    alone outside a block; a block never closed runs to the end of the page."""
    page = ["# T", "", "```python exec", '--8<-- "gone.py"', "```", "text", "~~~~text", "```", "~~~~", "", "```python", "never closed"]
    assert fences.fence_around(page, line) == block


def test_a_longer_fence_is_closed_only_by_as_many_marks(resolve):
    page = ["````text", "```", "inner", "```", "````", "after"]
    (block, after) = list(fences.walk(page, resolve))
    assert (block.start, block.end, block.body) == (0, 4, ["```", "inner", "```"]) and after == (5, "after")


def test_an_escaped_include_is_not_checked(resolve):
    assert list(fences.walk(['--8<-- ";page/gone.py"'], resolve)) == [(0, '--8<-- ";page/gone.py"')]


def test_page_jobs_names_the_page_in_its_error(resolve, tmp_path):
    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_text("\n".join(PAGE))
    bad.write_text('# Bad\n\n```python exec\n--8<-- "page/gone.py"\n```\n')
    assert [job.line for job in fences.page_jobs(good, resolve)] == [3, 8]
    with pytest.raises(PageError) as caught:
        fences.page_jobs(bad, resolve)
    assert str(caught.value) == f"{bad}: line 4: snippet file 'page/gone.py' not found"


def test_site_pages_are_in_the_order_mkdocs_builds_them(tmp_path):
    for page in ("b.md", "a.md", "index.md", "sub/x.md", "sub/index.md", "sub/deeper/README.md", "notes.txt"):
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_text("# Page\n")
    pages = fences.site_pages(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in pages] == [
        "index.md", "a.md", "b.md", "sub/index.md", "sub/x.md", "sub/deeper/README.md"]
    assert fences.site_pages("") == []


def snippets_markdown(base_path) -> markdown.Markdown:
    """pymdownx.snippets alone, as the site configures it: the reference the helpers match."""
    return markdown.Markdown(
        extensions=["pymdownx.snippets"],
        extension_configs={"pymdownx.snippets": {"base_path": [str(base_path)], "check_paths": True}},
    )


def test_whole_file_is_what_pymdownx_snippets_pastes(tmp_path):
    """The notebooks' cells and the browser tests' copy check use it: it must be the included file."""
    text = "import math\n# --8<-- [start:part]\nprint(math.pi)  \nx = 1  # --8<-- [end:part]\n\n\ty = 2\n"
    (tmp_path / "f.py").write_text(text)
    pasted = snippets_markdown(tmp_path).preprocessors["snippet"].run(['--8<-- "f.py"'])
    assert fences.whole_file(text).split("\n") == pasted
    assert fences.whole_file(text) == "import math\nprint(math.pi)  \n\n\ty = 2\n"


def test_resolver_finds_an_include_as_pymdownx_snippets_does(tmp_path):
    from pymdownx.snippets import SnippetMissingError

    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "f.py").write_text("print(1)\n")
    resolve = fences.resolver(tmp_path)
    assert resolve("page/f.py") == str((tmp_path / "page" / "f.py").resolve())
    assert resolve("page/missing.py") is None
    assert resolve("page") is None  # a folder is no snippet
    md = snippets_markdown(tmp_path)
    assert md.preprocessors["snippet"].run(['--8<-- "page/f.py"'])[0] == "print(1)"
    with pytest.raises(SnippetMissingError, match="missing.py"):
        md.preprocessors["snippet"].run(['--8<-- "page/missing.py"'])


@pytest.mark.build
def test_a_missing_snippet_fails_a_real_build_naming_the_page_and_the_file(scratch_site):
    site = scratch_site()
    site.write("docs/broken.md", '# Broken\n\n```python exec\n--8<-- "gone.py"\n```\n')
    done = site.build(timeout=120)
    assert done.returncode == 1
    assert "Error reading page 'broken.md'" in done.stderr and "line 4: snippet file 'gone.py' not found" in done.stderr
    assert 'File "' not in done.stderr, done.stderr  # one message, no traceback
