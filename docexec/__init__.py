"""Build-time execution of the snippets shown on the site.

The pieces, in the order a build uses them:

* ``extension``: the Python-Markdown extension. It finds ``exec`` fences,
  checks their ``--8<--`` include, runs the file and writes its output under it.
* ``client``: starts one worker process and asks it to run files.
* ``worker``: imports torch once, then forks a fresh child per run (and, for
  a notebook page, the Jupyter kernel that ``notebook_exec`` talks to).
* ``child``: what runs inside that child: capture output, run, report.
"""

# Part of every cache key: bump it when a change here can alter an output.
__version__ = "0.1.0"
