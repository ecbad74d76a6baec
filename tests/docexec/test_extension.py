"""The extension end to end: Markdown in, HTML out, snippets really executed. Each step
is one preprocessor (MarkFences, NotebookButtons, ReportTable, WriteOutputs)."""

import html
import re

import markdown
import pytest

from docexec import report
from docexec.errors import PageError, SnippetError
from docexec.settings import SettingsError


def fence(name, options=""):
    return f'```python exec{options}\n--8<-- "{name}.py"\n```\n'


def text_of(html_out: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", html_out))


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


def test_a_page_that_cannot_be_built_fails_with_the_line(render):
    """Every way a page can be wrong is in test_fences.py; here it reaches the build."""
    with pytest.raises(PageError, match="line 2: snippet file 'missing.py' not found"):
        render('```python exec\n--8<-- "missing.py"\n```\n')


def test_sections_can_be_shown_without_running(render):
    ok = "import math\n# --8<-- [start:part]\nprint(math.pi)\n# --8<-- [end:part]\n"
    out = text_of(render('```python\n--8<-- "ok.py:part"\n```\n', ok=ok))
    assert "print(math.pi)" in out and "import math" not in out
    assert "Output" not in out


def test_with_errors_shown_a_broken_snippet_is_shown_on_its_page_and_the_rest_renders(render, capsys):
    page = "# Page\n\n" + fence("bad") + "\nBetween.\n\n" + fence("good")
    out = render(page, options={"errors": "show"}, bad="raise ValueError('broken on purpose')\n", good="print('fine')\n")
    error = out.split('<div class="admonition failure docexec-error">')[1].split("</div>")[0]
    assert '<p class="admonition-title">This snippet may not be published</p>' in error
    assert "exec fence at line 3: bad.py:1: raised ValueError: broken on purpose" in text_of(error)
    assert "Between." in out and "<pre><code>fine</code></pre>" in out
    assert "docexec: exec fence at line 3: bad.py:1: raised ValueError" in capsys.readouterr().err


def test_with_errors_shown_each_block_that_cannot_be_built_says_why_and_the_rest_of_the_page_stays(render):
    """Other pages link to its headings: they must stay."""
    page = ('# Broken page\n\nText.\n\n```python exec\n--8<-- "gone.py"\n```\n\n## Still here\n\n'
            + fence("fine") + '\n```Python\nprint("pasted")\n```\n\nThe end.\n')
    out = render(page, options={"errors": "show"}, fine="print('fine')\n")
    assert out.startswith("<h1>Broken page</h1>\n<p>Text.</p>")
    errors = re.findall(r'<p class="admonition-title">This block cannot be built</p><pre><code>([^<]*)</code>', out)
    assert errors == ["line 6: snippet file 'gone.py' not found",
                      "line 15: a ```python fence must hold only --8&lt;-- includes of files in snippets/; "
                      "code pasted into Markdown is never run or tested"]
    assert '<h2 id="still-here">Still here</h2>' in out or "<h2>Still here</h2>" in out
    assert "<pre><code>fine</code></pre>" in out and "<p>The end.</p>" in out
    assert "wzxhzdk" not in out  # Python-Markdown's stash placeholder, had it been stripped of its markers


def test_a_page_with_snippets_of_one_folder_gets_its_notebook_buttons(render, tmp_path):
    (tmp_path / "pg").mkdir()
    (tmp_path / "pg" / "a.py").write_text("print(1)\n")
    page = '# Title\n\nIntro.\n\n```python exec\n--8<-- "pg/a.py"\n```\n'
    out = render(page, options={"repo_url": "https://github.com/me/site"})
    head, rest = out.split("</h1>", 1)
    assert rest.lstrip().startswith('<p><a class="md-button" download="pg.ipynb" href="notebooks/pg.ipynb">Download notebook</a>')
    assert 'href="https://colab.research.google.com/github/me/site/blob/main/docs/notebooks/pg.ipynb">Open in Colab</a>' in rest
    assert "Download notebook" not in render(fence("flat"), flat="print(1)\n")  # snippets in no folder: no notebook


def test_a_page_running_files_of_two_folders_cannot_name_its_notebook(render, tmp_path):
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.py").write_text("print(1)\n")
    page = '```python exec\n--8<-- "one/a.py"\n```\n\n```python exec\n--8<-- "two/a.py"\n```\n'
    with pytest.raises(PageError, match=r"cannot name the notebook: the page runs files of \['one', 'two'\]"):
        render(page)


def test_the_report_marker_becomes_the_execution_report(render, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text('# P\n\n```python exec\n--8<-- "listed.py"\n```\n')
    out = render(f"# Report\n\n{report.REPORT_MARKER}\n", options={"docs_dir": str(tmp_path / "docs")}, listed="print(2)\n")
    assert "1 snippets on cpu: 1 ran in this build, 0 from the cache" in out
    assert "<code>listed.py</code>" in out and report.REPORT_MARKER not in out


def test_an_unknown_option_is_one_message_under_python_markdown():
    with pytest.raises(SettingsError) as caught:
        markdown.Markdown(extensions=["docexec.extension"], extension_configs={"docexec.extension": {"timout": 5}})
    assert str(caught.value).startswith("unknown docexec option 'timout' in mkdocs.yml; known: device, timeout,")


def test_a_bad_value_is_one_message_under_python_markdown():
    with pytest.raises(SettingsError, match="^docexec option 'lanes' in mkdocs.yml: expected 0 or more, got -2$"):
        markdown.Markdown(extensions=["docexec.extension"], extension_configs={"docexec.extension": {"lanes": -2}})


def test_the_extension_needs_pymdownx_snippets():
    md = markdown.Markdown(extensions=["pymdownx.superfences", "docexec.extension"],
                           extension_configs={"docexec.extension": {"cache_dir": ""}})
    with pytest.raises(PageError, match="docexec needs pymdownx.snippets"):
        md.convert('```python exec\n--8<-- "a.py"\n```\n')
