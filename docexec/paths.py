"""The two changes docexec makes to the paths a program prints, and nothing else.

1. **The program's own folder.** A run works in a copy of its folder under
   ``/tmp/docexec-worker-*/docexec-*`` (``run/scratch.py``); the worker cuts that folder from the output,
   so the program's path reads as in its title (``backward/ols_step.py``).
2. **Library paths** (here): where Python and its packages are installed depends on the
   machine and on the folder of the virtual environment that built the site
   (``/home/<user>/.venv/lib/python3.11/site-packages/torch/_tensor.py``; the GPU
   records say ``/opt/torch/.venv/lib/python3.12/...``), while the page, and the cache
   key, should not. A path to an installed package is shown from its ``site-packages/``
   (or Debian's ``dist-packages/``) on, a path into the standard library from its
   ``lib/pythonX.Y/`` on, each after one ``…/``:
   ``…/site-packages/torch/_tensor.py``, ``…/lib/python3.11/warnings.py``.

Rule 2 is applied to what a page shows, CPU outputs and CUDA records alike
(``judge.shown`` and ``render``); the results in the cache keep what was printed. Rule 1
also holds for a record whose snippet has since moved to another folder, unchanged: its
old title reads as the new one (``records.Shown.output``).
"""

from __future__ import annotations

import re

# An absolute path (not the tail of a longer word or path), up to its last
# site-packages/ or dist-packages/, else up to its lib/pythonX.Y/: the prefix that goes.
LIBRARY = re.compile(
    r"""(?<![\w./~…:-])/(?:[^\s"'<>:()\[\]]*/)?(?=(?:site-packages|dist-packages)/|lib/python\d+\.\d+/)"""
)


def shorten_library(text: str) -> str:
    """``text`` with every library path shown from its package folder on (rule 2)."""
    return LIBRARY.sub("…/", text)


# A line number in a library path as a traceback ("…/x.py", line 12) or a warning (…/x.py:12:) shows it.
LIBRARY_LINE = re.compile(r"""(…/(?:site-packages|dist-packages|lib/python\d+\.\d+)/[^"\s:]+(?:", line |:))\d+""")


def without_library_lines(text: str) -> str:
    """``text`` (library paths already shortened) with the line numbers in library files
    blanked: two outputs equal under this differ only where torch's own files moved."""
    return LIBRARY_LINE.sub(r"\1…", text)
