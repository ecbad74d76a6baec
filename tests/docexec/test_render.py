"""docexec.render: a judged output as the page shows it; HTML handed to the page's stash,
so no later Markdown step touches it."""

import base64

import pytest

from docexec import devices, directive, render
from docexec.directive import Directive
from docexec.judge import Verdict
from docexec.records import Shown

CUDA = devices.get("cuda")
RECORD = {"snippet": "page/x.py", "gpu": "H200", "torch": "2.13.0+cu130", "cuda": "13.0", "date": "2026-12-04"}


class Stash(list):
    """md.htmlStash.store: keeps the HTML, gives back a placeholder."""

    def __call__(self, html: str) -> str:
        self.append(html)
        return f"STASH{len(self) - 1}"


def shown(output: str, refused=None, title="page/x.py", **record) -> Shown:
    return Shown(CUDA, {**RECORD, "output": output, **record}, title, refused)


def test_an_output_block_is_escaped_html_in_the_stash():
    stash = Stash()
    lines = render.output_block("<b>x</b> & y\n\tz  \n", "Output", stash, indent="    ")
    assert lines == ["", "    STASH0", ""]
    assert stash == ['<div class="language-text highlight docexec-output"><span class="filename">Output</span>'
                     "<pre><code>&lt;b&gt;x&lt;/b&gt; &amp; y\n\tz  </code></pre></div>"]


def test_a_program_that_printed_nothing_gets_no_block():
    stash = Stash()
    assert render.output_block("", "Output", stash) == [] and stash == []


def test_every_output_mode_a_fence_may_name_has_a_renderer():
    assert set(render.OUTPUT_MODES) == set(directive.OUTPUTS)


def place(stash, **kwargs) -> render.Place:
    return render.Place(stash=stash, built="CPU · torch 2.13.0", torch="2.13.0", **kwargs)


def test_fence_output_text_titles_a_declared_error():
    stash = Stash()
    render.fence_output(Verdict("boom\n", ()), Directive(raises="RuntimeError", match="b"), place(stash))
    assert '<span class="filename">Output (raises RuntimeError)</span>' in stash[0]


def test_fence_output_mermaid_is_a_diagram_fence():
    lines = render.fence_output(Verdict("graph TD\n  a --> b\n", ()), Directive(output="mermaid"), place(Stash(), indent="  "))
    assert lines == ["", "  ```mermaid", "  graph TD", "    a --> b", "  ```", ""]


def test_fence_output_none_shows_only_the_figures():
    svg = "<svg>1</svg>"
    lines = render.fence_output(Verdict("hidden\n", (svg,)), Directive(output="none", alt="A line"), place(Stash()))
    data = base64.b64encode(svg.encode()).decode()
    assert lines == ["", f"![A line](data:image/svg+xml;base64,{data}){{ .docexec-figure }}"]


def test_a_record_that_printed_the_same_is_named_in_the_title():
    stash = Stash()
    lines = render.with_records("42\n", "Output", "CPU · torch 2.13.0", "2.13.0", [shown("42\n")], {}, stash)
    assert len(stash) == 1 and '<span class="filename">Output · same on CUDA · H200 · torch 2.13.0</span>' in stash[0]
    assert lines == ["", "STASH0", ""]


def test_a_record_that_differs_gets_its_own_tab():
    stash = Stash()
    lines = render.with_records("cpu\n", "Output", "CPU · torch 2.13.0", "2.13.0", [shown("cuda\n")], {}, stash)
    assert lines == ["", '=== "CPU · torch 2.13.0"', "", "    STASH0", "",
                     '=== "CUDA · H200 · torch 2.13.0"', "", "    STASH1", ""]
    assert ">Output on H200, torch 2.13.0+cu130, CUDA 13.0, recorded 2026-12-04</span><pre><code>cuda</code>" in stash[1]


def test_a_refused_record_is_a_warning_saying_why():
    stash = Stash()
    lines = render.with_records("42\n", "Output", "CPU · torch 2.13.0", "2.13.0",
                                [shown("OLD\n", refused="it came from an older version of the snippet.")], {}, stash)
    assert len(stash) == 1 and "OLD" not in stash[0]
    assert lines[3:] == [
        '!!! warning "Recorded CUDA output not shown"',
        "    The CUDA output recorded for this snippet (H200, torch 2.13.0+cu130, CUDA 13.0, recorded 2026-12-04) is "
        "not shown: it came from an older version of the snippet. Re-record it with `scripts/gpu-check.sh` on a "
        "machine with CUDA.",
        "",
    ]


def test_a_record_from_another_torch_gets_the_maintainers_note():
    stash = Stash()
    notes = {"cuda": {"page/x.py": "torch 2.11 names the node `ExpBackward0`."}}
    render.with_records("Exp\n", "Output", "CPU · torch 2.13.0", "2.13.0", [shown("ExpBackward0\n", torch="2.11.0")],
                        notes, stash)
    assert stash[-1] == ('<p class="docexec-note">Not a difference of the device: this record was made with torch 2.11.0. '
                         "torch 2.11 names the node <code>ExpBackward0</code>.</p>")


def test_a_record_from_another_torch_that_differs_only_in_torchs_line_numbers_says_so():
    stash = Stash()
    ours = 'File "/v/lib/python3.11/site-packages/torch/_tensor.py", line 626, in backward\n'
    theirs = 'File "/opt/lib/python3.12/site-packages/torch/_tensor.py", line 581, in backward\n'
    render.with_records(ours.replace("/v/lib/python3.11", "…"), "Output", "CPU · torch 2.13.0", "2.13.0",
                        [shown(theirs, torch="2.11.0")], {}, stash)
    assert "differ only in the line numbers of torch's own files" in stash[-1]
    assert "/opt/" not in stash[1] and "…/site-packages/torch/_tensor.py" in stash[1]  # the record's paths shortened


def test_a_record_from_the_same_torch_gets_no_note():
    stash = Stash()
    render.with_records("a\n", "Output", "CPU · torch 2.13.0", "2.13.0+cpu", [shown("b\n", torch="2.13.0+cu130")], {}, stash)
    assert len(stash) == 2 and "docexec-note" not in "".join(stash)


def test_a_record_of_a_snippet_that_moved_reads_with_its_title_now():
    """Same source, another folder: the record printed its old title where Python prints
    the program's path."""
    moved = shown('  File "old/x.py", line 3\n', snippet="old/x.py", title="new/x.py")
    assert moved.output == '  File "new/x.py", line 3\n'
    assert shown("old/x.py\n", snippet="old/x.py", title="old/x.py").output == "old/x.py\n"


def test_an_error_block_escapes_the_message():
    stash = Stash()
    assert render.error_block("x <y> & z", stash, indent="  ") == ["", "  STASH0", ""]
    assert stash == ['<div class="admonition failure docexec-error"><p class="admonition-title">'
                     "This snippet may not be published</p><pre><code>x &lt;y&gt; &amp; z</code></pre></div>"]
    render.error_block("m", stash, title="This page cannot be built")
    assert ">This page cannot be built</p>" in stash[1]


@pytest.mark.parametrize("mode", sorted(directive.OUTPUTS))
def test_figures_follow_every_mode(mode):
    lines = render.fence_output(Verdict("x\n", ("<svg/>",)), Directive(output=mode, alt="alt"), place(Stash()))
    assert lines[-1].startswith("![alt](data:image/svg+xml;base64,")
