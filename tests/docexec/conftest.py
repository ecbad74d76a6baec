"""Each test module ends the worker pools it started (two processes with torch each); and
``render``: a page converted by the site's Markdown extensions, snippets really executed."""

import textwrap

import markdown
import pytest
from pymdownx.superfences import fence_code_format

from docexec import session
from docexec.run import client
from docexec.settings import Settings
from tests.scratch_site import scratch_site  # noqa: F401 - a fixture: a small site built by a real mkdocs

MERMAID = {"name": "mermaid", "class": "mermaid", "format": fence_code_format}


@pytest.fixture(autouse=True, scope="module")
def _close_pools():
    yield
    client.close_all()


@pytest.fixture
def render(tmp_path):
    """``render(page, **files)``: ``page`` converted to HTML, with each ``files`` item
    written as ``<name>.py`` under the snippets' base path (this test's folder). Each call
    is a build of its own (``session.begin``), as each MkDocs build is. ``execute``,
    ``cache_dir`` and ``options``: the docexec extension's settings."""

    def render(page: str, execute: bool = True, cache_dir: str = "", options: dict | None = None, **files: str) -> str:
        for name, source in files.items():
            (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        config = {"timeout": 20, "execute": execute, "cache_dir": cache_dir, **(options or {})}
        session.begin(Settings.load(config))
        md = markdown.Markdown(
            extensions=["admonition", "attr_list", "pymdownx.superfences", "pymdownx.snippets", "docexec.extension"],
            extension_configs={
                "pymdownx.superfences": {"custom_fences": [MERMAID]},
                "pymdownx.snippets": {"base_path": [str(tmp_path)], "check_paths": True},
                "docexec.extension": config,
            },
        )
        return md.convert(textwrap.dedent(page))

    return render

