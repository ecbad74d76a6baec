"""``python -m docexec.notebooks``: write ``docs/notebooks/<page>.ipynb`` for every page
with exec fences (``--check``: list the missing and stale ones, exit 1 if any)."""

import sys

from docexec.notebooks.generate import main

sys.exit(main())
