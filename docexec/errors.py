"""The errors docexec raises, each one message that says where and what.

Under MkDocs they are ``BuildError``s, which MkDocs reports as one line and a
non-zero exit, without its own traceback around them. Elsewhere (Zensical, plain
Python-Markdown) they are ordinary exceptions.
"""

from __future__ import annotations

try:
    from mkdocs.exceptions import BuildError as _Base
except ImportError:  # pragma: no cover - MkDocs is installed with the site
    _Base = Exception


class DocexecError(_Base):
    """Something on a page that cannot be published as it is."""


class PageError(DocexecError, ValueError):
    """A page that cannot be built as written; the message says where and what, and
    ``line`` (1-based, when known) is the line at fault."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


class SnippetError(DocexecError, RuntimeError):
    """A snippet that must not be published: it failed, hung, or is not reproducible."""


# MkDocs reports an error raised while it loads a Markdown extension with the source lines
# of every frame down to the first one without source. Raised from code compiled here (no
# source file), a configuration error keeps its one message and nothing else.
_RAISE = compile("raise error from None", "<docexec configuration>", "exec")


def raise_config_error(error: Exception) -> None:
    """Raise ``error`` (a bad option in mkdocs.yml) so that MkDocs shows just its message."""
    exec(_RAISE, {"error": error.with_traceback(None)})
