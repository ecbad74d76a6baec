"""A real `mkdocs build` of a tiny project: failures name the page, the snippet file and its line."""

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.build

CONFIG = """
site_name: t
strict: true
markdown_extensions:
  - pymdownx.superfences
  - pymdownx.snippets:
      base_path: [snippets]
      check_paths: true
  - docexec.extension:
      cache_dir: .cache
"""


@pytest.fixture
def build(tmp_path):
    def build(page: str, **snippets: str) -> subprocess.CompletedProcess:
        (tmp_path / "mkdocs.yml").write_text(CONFIG)
        (tmp_path / "docs").mkdir()
        (tmp_path / "docs" / "index.md").write_text("# Home\n")
        (tmp_path / "docs" / "broken.md").write_text(textwrap.dedent(page))
        (tmp_path / "snippets").mkdir()
        for name, source in snippets.items():
            (tmp_path / "snippets" / f"{name}.py").write_text(textwrap.dedent(source))
        return subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=tmp_path, capture_output=True, text=True
        )

    return build


def test_raising_snippet_fails_the_build_naming_page_file_and_line(build):
    done = build('# B\n\n```python exec\n--8<-- "bad.py"\n```\n', bad="a = 1\nb = 0\nprint(a / b)\n")
    assert done.returncode != 0
    assert "broken.md" in done.stderr
    assert "snippets/bad.py:3: raised ZeroDivisionError" in done.stderr
    assert "ZeroDivisionError: division by zero" in done.stderr  # what it printed, as Python prints it


def test_missing_snippet_fails_the_build_naming_page_and_file(build):
    done = build('# B\n\n```python exec\n--8<-- "gone.py"\n```\n')
    assert done.returncode != 0
    assert "broken.md" in done.stderr and "snippet file 'gone.py' not found" in done.stderr


WARM_BUILD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config("mkdocs.yml"))
print("torch imported:", "torch" in sys.modules)
"""


def test_a_warm_build_does_not_import_torch(build, tmp_path):
    cold = build('# B\n\n```python exec\n--8<-- "ok.py"\n```\n', ok="import torch\nprint(torch.ones(2).sum().item())\n")
    assert cold.returncode == 0, cold.stderr
    warm = subprocess.run([sys.executable, "-c", WARM_BUILD], cwd=tmp_path, capture_output=True, text=True)
    assert warm.returncode == 0, warm.stderr
    assert "torch imported: False" in warm.stdout
    assert "2.0" in (tmp_path / "site" / "broken" / "index.html").read_text()


REPORT_CONFIG = CONFIG + "      docs_dir: docs\n"


def test_the_execution_report_says_where_each_result_came_from(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(REPORT_CONFIG)
    (tmp_path / "docs" / "about").mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "docs" / "about" / "execution.md").write_text("# Execution\n\n<!-- docexec:report -->\n")
    (tmp_path / "docs" / "page.md").write_text('# Page\n\n```python exec\n--8<-- "ok.py"\n```\n')
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "ok.py").write_text("print('reported')\n")
    command = [sys.executable, "-m", "mkdocs", "build", "-q"]
    cold = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert cold.returncode == 0, cold.stderr
    assert "docexec: 1 snippets on cpu: 1 ran in this build, 0 from the cache" in cold.stderr
    report = (tmp_path / "site" / "about" / "execution" / "index.html").read_text()
    assert '<a href="../../page/">page.md</a>' in report  # a link MkDocs resolved to the page
    assert "<code>ok.py</code>" in report and "<td>ran</td>" in report
    warm = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert warm.returncode == 0, warm.stderr
    assert "docexec: 1 snippets on cpu: 0 ran in this build, 1 from the cache" in warm.stderr
    assert "<td>cache</td>" in (tmp_path / "site" / "about" / "execution" / "index.html").read_text()
    assert "reported" in (tmp_path / "site" / "page" / "index.html").read_text()


NOTEBOOK_CONFIG = """
site_name: t
strict: true
plugins:
  - mkdocs-jupyter:
      execute: false
      allow_errors: false
      include: ["*.ipynb"]
hooks:
  - {hooks}
"""


def notebook_build(tmp_path, *cells: str) -> subprocess.CompletedProcess:
    """A real build of a one-notebook site with docexec/mkdocs_hooks.py."""
    import nbformat

    from docexec import mkdocs_hooks

    (tmp_path / "mkdocs.yml").write_text(NOTEBOOK_CONFIG.format(hooks=mkdocs_hooks.__file__))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Notebook")]
                                  + [nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "docs" / "nb.ipynb")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=tmp_path, capture_output=True, text=True)


def test_a_notebook_page_is_rendered_from_its_run(tmp_path):
    done = notebook_build(tmp_path, "print(6 * 7)")
    assert done.returncode == 0, done.stderr
    assert "42" in (tmp_path / "site" / "nb" / "index.html").read_text()
    assert list((tmp_path / ".cache" / "docexec" / "notebooks").glob("nb-cpu-*.ipynb"))  # kept for warm builds


def test_a_failing_notebook_cell_fails_the_build_naming_notebook_and_cell(tmp_path):
    done = notebook_build(tmp_path, "x = 1", "1 / 0")
    assert done.returncode != 0
    assert "nb.ipynb" in done.stderr and "ZeroDivisionError" in done.stderr
    assert not (tmp_path / "site" / "nb" / "index.html").exists()
