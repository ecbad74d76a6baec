"""docexec.paths: a library path is shown from its site-packages/ (or lib/pythonX.Y/) on,
the same on every machine; nothing else is touched."""

import pytest

from docexec.paths import shorten_library, without_library_lines


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('File "/home/me/.venv/lib/python3.11/site-packages/torch/_tensor.py", line 5',
         'File "…/site-packages/torch/_tensor.py", line 5'),
        ("/usr/lib/python3/dist-packages/numpy/core.py:3: Warning", "…/dist-packages/numpy/core.py:3: Warning"),
        ("/usr/lib/python3.11/warnings.py:10", "…/lib/python3.11/warnings.py:10"),
        # a package inside a virtual environment inside lib/pythonX.Y: up to the last site-packages/
        ("/opt/lib/python3.12/site-packages/a/site-packages/b.py", "…/site-packages/b.py"),
        ("(/x/lib/python3.12/site-packages/t.py)", "(…/site-packages/t.py)"),
        # not library paths: a relative path, the program's own, a path already shortened, a URL
        ("site-packages/torch/x.py", "site-packages/torch/x.py"),
        ("backward/ols_step.py:3", "backward/ols_step.py:3"),
        ("…/site-packages/torch/x.py", "…/site-packages/torch/x.py"),
        ("https://example.org/lib/python3.11/x.py", "https://example.org/lib/python3.11/x.py"),
        ("/home/me/project/data.txt", "/home/me/project/data.txt"),
    ],
)
def test_shorten_library(text, shown):
    assert shorten_library(text) == shown


def test_every_library_path_in_a_traceback_is_shortened():
    text = ('  File "/a/lib/python3.11/site-packages/torch/_tensor.py", line 5, in backward\n'
            '  File "/b/lib/python3.11/runpy.py", line 9, in run\n')
    assert shorten_library(text) == ('  File "…/site-packages/torch/_tensor.py", line 5, in backward\n'
                                     '  File "…/lib/python3.11/runpy.py", line 9, in run\n')


def test_without_library_lines_blanks_only_library_line_numbers():
    text = ('  File "…/site-packages/torch/_tensor.py", line 581, in backward\n'
            '…/lib/python3.11/warnings.py:109: UserWarning\n'
            '  File "page/x.py", line 3, in <module>\n')
    assert without_library_lines(text) == ('  File "…/site-packages/torch/_tensor.py", line …, in backward\n'
                                           '…/lib/python3.11/warnings.py:…: UserWarning\n'
                                           '  File "page/x.py", line 3, in <module>\n')
    moved = text.replace("581", "626").replace(":109:", ":120:")
    assert without_library_lines(moved) == without_library_lines(text)
