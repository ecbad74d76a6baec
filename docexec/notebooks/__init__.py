"""Notebooks: each page as a notebook, and notebook pages run at build time.

* ``generate``: a page's Markdown source -> ``docs/notebooks/<page>.ipynb`` (no MkDocs,
  no torch; the extension asks it for the page's download buttons).
* ``execute``: run a notebook page (``docs/*.ipynb``) with nbclient, cached under the
  same key as a snippet's result (``docexec.cache.make_key``).

``python -m docexec.notebooks`` writes the generated notebooks; ``--check`` lists
the stale ones instead.
"""
