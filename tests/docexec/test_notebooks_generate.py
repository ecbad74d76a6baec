"""docexec.notebooks.generate: a page's Markdown source -> a notebook, on small pages written here."""

import json
import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import markdown
import nbformat
import pytest

from docexec import fences
from docexec.directive import Directive
from docexec.cache import torch_version
from docexec.settings import Settings
from docexec.notebooks import generate

ROOT = Path(__file__).resolve().parents[2]

PAGE = '''# A page

Intro with a [link](other.md#somewhere) and an [anchor](#a-section).

```python exec
--8<-- "page/first.py"
```

## A section

```mermaid
graph LR
    a --> b
```

```python exec raises="RuntimeError" match="on purpose"
--8<-- "page/fails.py"
```

```python
--8<-- "page/first.py:part"
```

!!! warning "Watch out"
    Body line one
    and two.

=== "Tab one"

    ```python exec raises="torch.autograd.gradcheck.GradcheckError" match="Jacobian mismatch"
    --8<-- "page/tabbed.py"
    ```

=== "Tab two"

    Just text.

--8<-- "page/first.py"

```text
plain text fence
```

The end.
'''


@pytest.fixture
def snippets(tmp_path):
    folder = tmp_path / "snippets" / "page"
    folder.mkdir(parents=True)
    (folder / "first.py").write_text('x = 1\n# --8<-- [start:part]\nprint(x)\n# --8<-- [end:part]\n')
    (folder / "fails.py").write_text('raise RuntimeError("on purpose")\n')
    (folder / "tabbed.py").write_text("print('tab')\n")
    return tmp_path / "snippets"


def convert(snippets, text=PAGE, **kwargs):
    settings = Settings.from_mkdocs_yml(ROOT / "mkdocs.yml")  # the site's own name and install line
    return generate.page_to_notebook(text.split("\n"), fences.resolver(snippets), dataclasses.replace(settings, **kwargs))


def source(cell):
    return "".join(cell["source"])


def test_cells_follow_the_page(snippets):
    cells = convert(snippets)["cells"]
    kinds = [cell["cell_type"] for cell in cells]
    assert kinds == ["markdown", "markdown", "code", "markdown", "code", "markdown", "code", "markdown"]
    assert source(cells[0]).startswith("# A page\n\n> This notebook was generated")
    assert source(cells[1]) == "Intro with a [link](other.md#somewhere) and an [anchor](#a-section)."
    # the whole file, as the page shows it: section markers dropped, like pymdownx.snippets does
    assert source(cells[2]) == "x = 1\nprint(x)"
    assert source(cells[3]) == "## A section\n\n```mermaid\ngraph LR\n    a --> b\n```"
    assert source(cells[4]) == 'raise RuntimeError("on purpose")'
    assert source(cells[6]) == "print('tab')"


def test_python_fences_without_exec_and_bare_includes_are_left_out(snippets):
    text = "\n".join(source(cell) for cell in convert(snippets)["cells"])
    assert "8<" not in text
    assert text.count("print(x)") == 1  # only the exec fence's copy


def test_raises_fences_are_tagged(snippets):
    cells = [cell for cell in convert(snippets)["cells"] if cell["cell_type"] == "code"]
    assert cells[0]["metadata"] == {"docexec": {"snippet": "page/first.py"}}
    assert cells[1]["metadata"] == {
        "docexec": {"raises": "RuntimeError", "match": "on purpose", "snippet": "page/fails.py"},
        "tags": ["raises-exception"],
    }
    assert cells[2]["metadata"]["docexec"]["raises"] == "torch.autograd.gradcheck.GradcheckError"
    assert cells[2]["metadata"]["tags"] == ["raises-exception"]


def test_admonitions_and_tabs_become_plain_markdown(snippets):
    cells = convert(snippets)["cells"]
    assert source(cells[5]) == "> **Watch out**\n>\n> Body line one\n> and two.\n\n**Tab one**"
    assert source(cells[7]) == "**Tab two**\n\nJust text.\n\n```text\nplain text fence\n```\n\nThe end."


def test_admonition_without_title_uses_its_type(snippets):
    nb = convert(snippets, '# T\n\n!!! note\n    Body.\n\n```python exec\n--8<-- "page/first.py"\n```\n')
    assert source(nb["cells"][1]) == "> **Note**\n>\n> Body."


def test_header_says_where_it_comes_from_and_what_to_install(snippets):
    header = source(convert(snippets)["cells"][0])
    assert "`docs/page.md`" in header
    assert "PyTorch 2.13.0" in header
    assert "pip install torch==2.13.0 numpy" in header


def test_torch_version_is_the_pinned_one():
    """One source: the installed torch (package metadata), which must be the pyproject pin,
    as must the install line the notebooks show (mkdocs.yml)."""
    pinned = re.search(r'"torch==([^"]+)"', (ROOT / "pyproject.toml").read_text())[1]
    assert torch_version().split("+")[0] == pinned
    assert f"torch=={pinned}" in Settings.from_mkdocs_yml(ROOT / "mkdocs.yml").install


def test_output_is_deterministic_and_valid(snippets):
    first, second = generate.dumps(convert(snippets)), generate.dumps(convert(snippets))
    assert first == second
    assert first.endswith("}\n")
    nb = nbformat.reads(first, as_version=4)
    nbformat.validate(nb)
    assert nbformat.writes(nb) + "\n" == first  # Jupyter saving it unchanged gives the same bytes
    assert [cell["id"] for cell in json.loads(first)["cells"]][:3] == ["cell-0001", "cell-0002", "cell-0003"]
    assert "2026" not in first and "timestamp" not in first


def test_site_url_makes_relative_links_absolute(snippets):
    cells = convert(snippets, site_url="https://example.org/docs/")["cells"]
    assert source(cells[1]) == (
        "Intro with a [link](https://example.org/docs/other/#somewhere) "
        "and an [anchor](https://example.org/docs/page/#a-section)."
    )


def test_missing_snippet_is_an_error(snippets):
    with pytest.raises(ValueError, match="'page/nope.py' not found"):
        convert(snippets, '# T\n\n```python exec\n--8<-- "page/nope.py"\n```\n')


def job(title: str) -> fences.Job:
    return fences.Job(title, f"/snippets/{title}", Directive(), 1)


def test_page_name_is_the_folder_of_the_pages_snippets():
    assert generate.page_name([job("page/a.py"), job("page/b.py")]) == "page"
    assert generate.page_name([]) is None  # no exec fences
    assert generate.page_name([job("flat.py")]) is None  # snippets in no folder
    with pytest.raises(ValueError, match=r"cannot name the notebook: the page runs files of \['one', 'two'\]"):
        generate.page_name([job("one/a.py"), job("two/b.py")])


def test_settings_for_reads_the_sites_mkdocs_yml(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nmarkdown_extensions:\n  - docexec.extension:\n      site_name: Mine\n")
    settings = generate.settings_for(tmp_path)
    assert (settings.root, settings.docs_dir, settings.site_name, settings.site_url) == (str(tmp_path), "docs", "Mine", "")
    assert generate.settings_for(tmp_path, "https://x.example/").site_url == "https://x.example/"


def test_notebook_of_one_page(snippets):
    root = snippets.parent
    (root / "docs").mkdir()
    (root / "docs" / "page.md").write_text(PAGE)
    (root / "docs" / "index.md").write_text("# Home\n")
    (root / "docs" / "broken.md").write_text('# B\n\n```python exec\n--8<-- "page/gone.py"\n```\n')
    settings = generate.settings_for(root)
    path, text = generate.notebook_of(root / "docs" / "page.md", settings)
    assert path == "docs/notebooks/page.ipynb"
    assert text == generate.dumps(generate.page_to_notebook(PAGE.split("\n"), fences.resolver(snippets), settings))
    assert generate.notebook_of(root / "docs" / "index.md", settings) is None  # no exec fences
    with pytest.raises(ValueError, match="^docs/broken.md: .*line 4: snippet file 'page/gone.py' not found$"):
        generate.notebook_of(root / "docs" / "broken.md", settings)


def test_expected_names_the_page_a_notebook_cannot_be_made_for(snippets):
    root = snippets.parent
    (root / "docs").mkdir()
    (root / "docs" / "other.md").write_text(PAGE)  # runs snippets/page/, not snippets/other/
    with pytest.raises(ValueError, match="^docs/other.md: it includes files of snippets/page/, not snippets/other/$"):
        generate.expected(generate.settings_for(root))


def test_download_lines():
    lines = generate.download_lines("page")
    assert lines == ["", '[Download notebook](notebooks/page.ipynb){ .md-button download="page.ipynb" }', ""]
    assert "colab" not in "".join(generate.download_lines("page", "https://gitlab.com/me/site"))
    with_colab = generate.download_lines("page", "https://github.com/me/site.git")[1]
    colab = "https://colab.research.google.com/github/me/site/blob/main/docs/notebooks/page.ipynb"
    assert with_colab.endswith(f"[Open in Colab]({colab}){{ .md-button }}")
    html = markdown.markdown(with_colab, extensions=["attr_list"])
    assert '<a class="md-button" download="page.ipynb" href="notebooks/page.ipynb">' in html
    assert f'<a class="md-button" href="{colab}">' in html


def test_download_html_matches():
    html = generate.download_html("nb.ipynb", "https://colab.example/x")
    assert html == (
        '<p><a class="md-button" href="nb.ipynb" download="nb.ipynb">'
        'Download notebook</a> <a class="md-button" href="https://colab.example/x">Open in Colab</a></p>'
    )


def test_insert_under_h1():
    assert generate.insert_under_h1(["# T", "text"], ["X"]) == ["# T", "X", "text"]
    assert generate.insert_under_h1(["text"], ["X"]) == ["X", "text"]


def test_cli_check_finds_missing_stale_and_orphans(snippets, capsys):
    root = snippets.parent
    (root / "docs").mkdir()
    (root / "docs" / "page.md").write_text(PAGE)
    (root / "docs" / "index.md").write_text("# Home\n")

    assert generate.main(["--root", str(root), "--check"]) == 1
    assert "docs/notebooks/page.ipynb (missing)" in capsys.readouterr().err

    assert generate.main(["--root", str(root)]) == 0
    assert sorted(p.name for p in (root / "docs" / "notebooks").iterdir()) == ["page.ipynb"]
    written = (root / "docs" / "notebooks" / "page.ipynb").read_text()
    assert generate.main(["--root", str(root), "--check"]) == 0

    (snippets / "page" / "first.py").write_text("x = 2\n# --8<-- [start:part]\nprint(x)\n# --8<-- [end:part]\n")  # the code changed
    (root / "docs" / "notebooks" / "gone.ipynb").write_text("{}")  # a page was deleted
    capsys.readouterr()
    assert generate.main(["--root", str(root), "--check"]) == 1
    err = capsys.readouterr().err
    assert "docs/notebooks/page.ipynb (stale)" in err
    assert "docs/notebooks/gone.ipynb (no page" in err
    assert (root / "docs" / "notebooks" / "page.ipynb").read_text() == written  # --check writes nothing

    assert generate.main(["--root", str(root)]) == 0
    assert not (root / "docs" / "notebooks" / "gone.ipynb").exists()
    assert "x = 2" in (root / "docs" / "notebooks" / "page.ipynb").read_text()


def test_python_m_docexec_notebooks_is_the_command_line(snippets):
    """The command the README gives, ``python -m docexec.notebooks``, runs ``main``."""
    root = snippets.parent
    (root / "docs").mkdir()
    (root / "docs" / "page.md").write_text(PAGE)
    command = [sys.executable, "-m", "docexec.notebooks", "--root", str(root), "--check"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "docs/notebooks/page.ipynb (missing)" in done.stderr
    assert "regenerate them with: python -m docexec.notebooks" in done.stderr
    assert not (root / "docs" / "notebooks").exists()  # --check writes nothing
