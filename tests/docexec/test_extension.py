"""The extension end to end: Markdown in, HTML out, snippets really executed."""

import base64
import html
import re
import textwrap

import markdown
import pytest
from pymdownx.superfences import fence_code_format

from docexec import fences, judge
from docexec.extension import PageError, SnippetError
from docexec.session import Session
from docexec.settings import Settings

MERMAID = {"name": "mermaid", "class": "mermaid", "format": fence_code_format}


@pytest.fixture
def render(tmp_path):
    def render(page: str, execute: bool = True, cache_dir: str = "", **files: str) -> str:
        for name, source in files.items():
            (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        md = markdown.Markdown(
            extensions=["admonition", "attr_list", "pymdownx.superfences", "pymdownx.snippets", "docexec.extension"],
            extension_configs={
                "pymdownx.superfences": {"custom_fences": [MERMAID]},
                "pymdownx.snippets": {"base_path": [str(tmp_path)], "check_paths": True},
                "docexec.extension": {"timeout": 20, "execute": execute, "cache_dir": cache_dir},
            },
        )
        return md.convert(textwrap.dedent(page))

    return render


def fence(name, options=""):
    return f'```python exec{options}\n--8<-- "{name}.py"\n```\n'


def text_of(html_out: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", html_out))


def test_errors_are_those_of_fences_and_judge():
    assert PageError is fences.PageError and SnippetError is judge.SnippetError


def test_output_is_shown_under_the_code(render):
    out = render(fence("hello"), hello='print("hi", 1 + 1)\n')
    code, output = out.split('<span class="filename">Output</span>')
    assert "hello.py" in code and "print" in code
    assert "hi 2" in text_of(output)


def test_the_output_block_is_plain_html(render):
    out = render(fence("hello"), hello='print("hi", 1 + 1)\n')
    block = '<div class="language-text highlight docexec-output"><span class="filename">Output</span><pre><code>hi 2</code></pre></div>'
    assert block in out


def test_spaces_tabs_and_blank_lines_are_kept(render):
    out = render(fence("spaces"), spaces='print()\nprint("a\\tb  ")\nprint("   ")\nprint("end")\n')
    assert "<pre><code>\na       b  \n   \nend</code></pre>" in out


def test_a_program_that_prints_nothing_has_no_output_block(render):
    out = render(fence("quiet"), quiet="x = 1\n")
    assert "docexec-output" not in out and "quiet.py" in out


def test_output_is_escaped_text_never_html_or_markdown(render):
    source = 'print("<script>alert(1)</script>")\nprint("**bold** [x](y)")\nprint("```")\n'
    out = render(fence("evil"), evil=source)
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<strong>" not in out and "<a " not in out
    assert "**bold** [x](y)" in text_of(out.split("Output")[1])


def test_warnings_and_fd_level_writes_are_captured(render):
    source = "import os, warnings\nwarnings.warn('careful')\nos.write(1, b'raw fd\\n')\n"
    out = text_of(render(fence("warn"), warn=source))
    # as Python prints it, the path shortened to the snippet's title
    assert "warn.py:2: UserWarning: careful\n  warnings.warn('careful')\n" in out
    assert "raw fd" in out


def test_the_output_is_what_a_terminal_shows(render):
    source = "import sys\nfor i in range(4):\n    sys.stdout.write(f'\\rstep {i}')\nprint()\nprint('\\x1b[1mbold\\x1b[0m')\n"
    out = render(fence("progress"), progress=source)
    assert "<pre><code>step 3\nbold</code></pre>" in out


def test_expected_error_is_checked_and_shown(render):
    source = "import torch\nprint('before')\ntorch.ones(2) + torch.ones(3)\n"
    out = text_of(render(fence("err", ' raises="RuntimeError" match="must match the size"'), err=source))
    assert "Output (raises RuntimeError)" in out
    assert "before\nTraceback (most recent call last):\n" in out
    assert 'File "err.py", line 3, in <module>' in out
    assert "RuntimeError: The size of tensor a (2) must match" in out


def test_an_error_of_the_declared_type_raised_elsewhere_fails(render):
    """raises= names a type, match= the message: a RuntimeError at an earlier line, with
    another message, is not the error the page explains."""
    source = "import torch\nraise RuntimeError('unrelated')\ntorch.ones(2).backward()\n"
    with pytest.raises(SnippetError) as caught:
        render("# Page\n\n" + fence("early", ' raises="RuntimeError" match="element 0"'), early=source)
    message = str(caught.value)
    assert re.match(r"exec fence at line 3: \S*early\.py:2: raised RuntimeError, but not with the message", message)
    assert "expected a message matching: 'element 0'" in message
    assert "it raised:                   RuntimeError: unrelated" in message


def test_unexpected_error_fails_naming_file_and_line(render):
    source = "x = 1\n\ndef f():\n    return 1 / 0\n\nf()\n"
    with pytest.raises(SnippetError) as caught:
        render("# Page\n\n" + fence("bad"), bad=source)
    message = str(caught.value)
    assert "exec fence at line 3" in message
    assert "bad.py:4: raised ZeroDivisionError" in message
    assert "ZeroDivisionError: division by zero" in message.split("what it printed:")[1]


def test_an_exit_status_must_be_declared(render):
    source = "import sys\nprint('leaving')\nsys.exit(4)\n"
    with pytest.raises(SnippetError, match="ended with exit status 4, expected 0"):
        render(fence("leave"), leave=source)
    assert "leaving" in text_of(render(fence("leave", " exit=4"), leave=source))


def test_nondeterministic_output_fails(render):
    source = "import torch\nprint(torch.rand(2))\n"
    with pytest.raises(SnippetError, match="two runs printed different output"):
        render(fence("unseeded"), unseeded=source)


def test_hanging_snippet_fails_at_its_timeout(render):
    source = "import time\ntime.sleep(60)\n"
    with pytest.raises(SnippetError, match="still running after 1 s"):
        render(fence("slow", " timeout=1"), slow=source)


def test_snippets_are_isolated_from_each_other(render):
    leak = """
        import builtins, sys, types, random, torch
        builtins.LEAKED = True
        sys.modules["leaked_module"] = types.ModuleType("leaked_module")
        torch.set_default_dtype(torch.float64)
        torch.set_grad_enabled(False)
        torch.manual_seed(123)
        random.seed(123)
        GLOBAL = 1
    """
    probe = """
        import builtins, sys, random, torch
        print(hasattr(builtins, "LEAKED"), "leaked_module" in sys.modules, "GLOBAL" in globals())
        print(torch.get_default_dtype(), torch.is_grad_enabled())
        print(torch.initial_seed() == 123, random.random() == random.Random(123).random())
    """
    out = text_of(render(fence("leak") + "\n" + fence("probe"), leak=leak, probe=probe))
    assert "False False False" in out
    assert "torch.float32 True" in out
    # each run is seeded from the OS as a new interpreter is; the 123 set by the first snippet is gone
    assert "False False\n" in out


def test_mermaid_output_becomes_a_diagram(render):
    out = render(fence("graph", " output=mermaid"), graph='print("graph TD\\n  a --> b")\n')
    assert '<pre class="mermaid"><code>graph TD' in out


def test_output_none_shows_no_block(render):
    out = render(fence("hidden", " output=none"), hidden="print('not' + ' shown')\n")
    assert "not shown" not in out and "docexec-output" not in out and "hidden.py" in out


def test_fences_inside_admonitions_run(render):
    page = '!!! note\n    ```python exec\n    --8<-- "inner.py"\n    ```\n'
    out = render(page, inner="print(6 * 7)\n")
    assert 'class="admonition note"' in out and "42" in text_of(out)
    assert re.search(r'class="admonition note">.*<pre><code>42</code></pre>.*</div>', out, re.S)


def test_execution_can_be_switched_off(render):
    out = render(fence("hello"), execute=False, hello="raise SystemExit(3)\n")
    assert "Output" not in out and "SystemExit" in out


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ('```python exec\n--8<-- "missing.py"\n```\n', "line 2: snippet file 'missing.py' not found"),
        ('```python\n--8<-- "ok.py:nosuch"\n```\n', "line 2: section 'nosuch' not found in snippet file"),
        ('```python\n--8<-- "ok.py:1:2"\n```\n', "includes by line numbers"),
        ("```python\nprint('pasted')\n```\n", "line 1: a ```python fence must hold only --8<-- includes"),
        ("```Python\nprint('pasted')\n```\n", "line 1: a ```python fence must hold only --8<-- includes"),
        ("~~~py\nprint('pasted')\n~~~\n", "line 1: a ```py fence must hold only --8<-- includes"),
        ('```python exec\n--8<-- "ok.py:part"\n```\n', "exec runs whole files"),
        ('```python exec colour=red\n--8<-- "ok.py"\n```\n', "line 1: unknown option(s) colour"),
        ('```python exec\n--8<-- "ok.py"\n--8<-- "ok.py"\n```\n', "exactly one --8<-- include"),
        ('```python exec\n--8<-- "ok.py"\n', "never closed"),
    ],
)
def test_bad_pages_fail_with_a_clear_message(render, page, message):
    ok = "# --8<-- [start:part]\nprint(1)\n# --8<-- [end:part]\n"
    with pytest.raises(PageError) as caught:
        render(page, ok=ok)
    assert message in str(caught.value)


def test_sections_can_be_shown_without_running(render):
    ok = "import math\n# --8<-- [start:part]\nprint(math.pi)\n# --8<-- [end:part]\n"
    out = text_of(render('```python\n--8<-- "ok.py:part"\n```\n', ok=ok))
    assert "print(math.pi)" in out and "import math" not in out
    assert "Output" not in out


def snippets_markdown(base_path) -> markdown.Markdown:
    """pymdownx.snippets alone, as the site configures it: the reference the helpers match."""
    return markdown.Markdown(
        extensions=["pymdownx.snippets"],
        extension_configs={"pymdownx.snippets": {"base_path": [str(base_path)], "check_paths": True}},
    )


def test_whole_file_is_what_pymdownx_snippets_pastes(tmp_path):
    """fences.whole_file (the notebooks' cells, the browser tests' copy check) = the included file."""
    text = "import math\n# --8<-- [start:part]\nprint(math.pi)  \nx = 1  # --8<-- [end:part]\n\n\ty = 2\n"
    (tmp_path / "f.py").write_text(text)
    md = snippets_markdown(tmp_path)
    pasted = md.preprocessors["snippet"].run(['--8<-- "f.py"'])
    assert fences.whole_file(text).split("\n") == pasted
    assert fences.whole_file(text) == "import math\nprint(math.pi)  \n\n\ty = 2\n"


def test_resolver_finds_an_include_as_pymdownx_snippets_does(tmp_path):
    """fences.resolver (the notebook generator, the CUDA records, the tests): the file under
    the base path, absolute, where pymdownx.snippets finds it; None where it finds nothing."""
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "f.py").write_text("print(1)\n")
    resolve = fences.resolver(tmp_path)
    assert resolve("page/f.py") == str((tmp_path / "page" / "f.py").resolve())
    assert resolve("page/missing.py") is None
    assert resolve("page") is None  # a folder is no snippet
    md = snippets_markdown(tmp_path)
    assert md.preprocessors["snippet"].run(['--8<-- "page/f.py"'])[0] == "print(1)"
    with pytest.raises(Exception, match="missing.py"):
        md.preprocessors["snippet"].run(['--8<-- "page/missing.py"'])


# docexec bug: child.Figures patches FigureManagerBase.pyplot_show, but with the Agg
# backend (any headless build) pyplot.show() calls backend_agg.show (_Backend.show), which
# never reaches pyplot_show: no figure is saved, so none is shown or checked.

PLOT = "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.show()\nprint('drawn')\n"


def test_figures_are_embedded_as_svg_with_their_alt_text(render):
    out = render(fence("plot", ' alt="A falling line"'), plot=PLOT)
    (img,) = re.findall(r"<img [^>]+>", out)
    assert 'alt="A falling line"' in img and 'class="docexec-figure"' in img
    (data,) = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', img)
    svg = base64.b64decode(data).decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "<script" not in svg
    assert "drawn" in text_of(out)


def test_figures_without_alt_text_fail(render):
    with pytest.raises(SnippetError, match=r'draws 1 figure\(s\); describe them'):
        render(fence("plot"), plot=PLOT)


def test_figures_that_differ_between_runs_fail(render):
    source = "import random\nimport matplotlib.pyplot as plt\nplt.plot([random.random()])\nplt.show()\n"
    with pytest.raises(SnippetError, match="figures differ between two runs"):
        render(fence("noisy", ' alt="x"'), noisy=source)


def test_pages_are_queued_in_the_order_mkdocs_builds_them(tmp_path):
    for page in ("b.md", "a.md", "index.md", "sub/x.md", "sub/index.md"):
        (tmp_path / page).parent.mkdir(exist_ok=True)
        (tmp_path / page).write_text("# Page\n")
    pages = Session(Settings(docs_dir=str(tmp_path))).site_pages()
    assert [p.relative_to(tmp_path).as_posix() for p in pages] == ["index.md", "a.md", "b.md", "sub/index.md", "sub/x.md"]
