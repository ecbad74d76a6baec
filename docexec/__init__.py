"""Build-time execution of the snippets shown on the site.

How a fence becomes output, in the order a build uses the modules:

* ``settings``: the one settings object (``mkdocs.yml``'s docexec block, then ``DOCEXEC_*``).
* ``fences`` (with ``directive``): read a page's fences, check includes, parse options.
* ``session``: one build: queue every snippet, hand each page its results, cache them.
* ``run``: ``client`` (two workers, lanes), ``worker`` (fork server), ``child`` (inside
  the fork: become ``python file.py``), ``preload`` (modules imported ahead, hidden),
  ``scratch`` (each run's copy of its folder), ``hugepages`` (cheap forks).
* ``judge``: may the runs be published, and what do they show.
* ``terminal``, ``paths`` and ``render``: what a terminal shows, with library paths
  shortened, as an HTML output block (and the other devices' records beside it).
* ``report``: the execution report. ``cache``: result keys. ``records``: outputs recorded
  for the devices a build lacks (``cuda_records`` is its command). ``devices``: what a
  device means (its environment, its label, its memory).
* ``notebooks``: ``generate`` (each page as a notebook), ``execute`` (run a notebook
  page, cached); ``mkdocs_hooks`` runs the notebook page in a build.
  ``extension``: the Python-Markdown glue. ``errors``: what they raise.
"""

# Part of every cache key: bump it when a change here can alter an output.
__version__ = "0.2.0"
