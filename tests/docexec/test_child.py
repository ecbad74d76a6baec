"""docexec.run.child: inside the fork, the program becomes ``python file.py``: nothing of
an earlier run or of the executor is visible, plt.show() saves each figure as SVG, what
it reads is recorded. (tests/fidelity/ compares whole programs with a real interpreter.)"""

import base64
import html
import re

import pytest

from docexec.errors import SnippetError


def fence(name, options=""):
    return f'```python exec{options}\n--8<-- "{name}.py"\n```\n'


def text_of(html_out: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", html_out))


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

def test_warnings_and_fd_level_writes_are_captured(render):
    source = "import os, warnings\nwarnings.warn('careful')\nos.write(1, b'raw fd\\n')\n"
    out = text_of(render(fence("warn"), warn=source))
    # as Python prints it, the path shortened to the snippet's title
    assert "warn.py:2: UserWarning: careful\n  warnings.warn('careful')\n" in out
    assert "raw fd" in out



def test_a_figure_shown_before_matplotlib_was_preloaded_is_saved_too(render):
    """A single run (no batch) finds matplotlib not yet imported: the import hook patches it."""
    source = "import sys\nprint('preloaded:', 'matplotlib' in sys.modules)\n" + PLOT
    out = render(fence("first_plot", ' alt="x"'), first_plot=source)
    assert "preloaded: False" in text_of(out) and len(re.findall(r"<img [^>]+>", out)) == 1

