"""docexec.mkdocs_hooks: what only MkDocs can do. The settings learn the command and the
folder of mkdocs.yml (every path is resolved from it), notebook pages are run and rendered,
published notebooks link to the site when it knows its address, and ``cache_dir: ""``
leaves nothing behind."""

import json
import os
from pathlib import Path

import nbformat
import pytest

from docexec import mkdocs_hooks
from docexec.notebooks import generate


class Config(dict):
    """What the hooks read of MkDocs' config."""

    def __init__(self, root: Path, snippets=None, **options):
        super().__init__(docs_dir=str(root / "docs"), plugins={}, site_dir=str(root / "out"),
                         mdx_configs={"docexec.extension": {"execute": False, **options},
                                      **({"pymdownx.snippets": snippets} if snippets is not None else {})})
        self.config_file_path = str(root / "mkdocs.yml")


@pytest.fixture
def hooks(tmp_path):
    (tmp_path / "docs").mkdir()
    build = mkdocs_hooks.MkDocsBuild()
    yield build
    build.on_shutdown()


@pytest.mark.parametrize(("command", "errors", "warm"), [("build", "fail", False), ("gh-deploy", "fail", False),
                                                          ("serve", "show", True)])
def test_under_serve_errors_are_shown_and_the_workers_kept_warm(hooks, tmp_path, command, errors, warm):
    hooks.on_startup(command, dirty=False)
    hooks.on_config(Config(tmp_path))
    assert (hooks.settings.command, hooks.settings.errors, hooks.settings.keep_warm) == (command, errors, warm)


def test_paths_are_resolved_from_the_folder_of_mkdocs_yml(hooks, tmp_path, monkeypatch):
    """As MkDocs resolves docs_dir: pymdownx.snippets would read a relative base_path from
    the current folder."""
    monkeypatch.chdir("/")
    config = Config(tmp_path, snippets={"base_path": ["snippets", "/abs/other"]})
    hooks.on_config(config)
    assert config["mdx_configs"]["pymdownx.snippets"]["base_path"] == [str(tmp_path / "snippets"), "/abs/other"]
    assert hooks.settings.root == str(tmp_path) and hooks.settings.path("cache_dir") == tmp_path / ".cache" / "docexec"
    one = Config(tmp_path, snippets={"base_path": "code"})
    hooks.on_config(one)
    assert one["mdx_configs"]["pymdownx.snippets"]["base_path"] == [str(tmp_path / "code")]


def test_a_notebook_is_a_page_only_where_mkdocs_jupyter_renders_it(tmp_path):
    from mkdocs_jupyter.plugin import Plugin

    plugin = Plugin()
    plugin.config = {"include": ["*.ipynb"], "ignore": ["docs/notebooks/*.ipynb"]}
    config = {"plugins": {"mkdocs-jupyter": plugin}}
    docs = tmp_path / "docs"
    assert mkdocs_hooks.MkDocsBuild._is_page(docs / "nb.ipynb", config)
    assert not mkdocs_hooks.MkDocsBuild._is_page(docs / "notebooks" / "page.ipynb", config)  # a file to download
    assert not mkdocs_hooks.MkDocsBuild._is_page(docs / ".ipynb_checkpoints" / "nb.ipynb", config)
    assert not mkdocs_hooks.MkDocsBuild._is_page(docs / "nb.ipynb", {"plugins": {}})  # nothing renders notebooks


# -- in a real `mkdocs build` ---------------------------------------------------------


def notebook(path: Path, *cells: str, markdown: str = "") -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# Notebook\n\n{markdown}")]
                                  + [nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.mark.build
def test_a_notebook_page_is_rendered_from_its_run_and_a_failing_cell_fails_the_build(scratch_site):
    site = scratch_site()
    site.config(notebooks=True)
    site.write("docs/other.md", "# Other\n\n## A section\n")
    notebook(site.root / "docs" / "nb.ipynb", "print(6 * 7)", markdown="See [the other page](other.md#a-section).")
    done = site.build()
    assert done.returncode == 0, done.stderr
    page = site.html("nb")
    assert "42" in page and '"cell_type"' not in page  # rendered cells, not the notebook's JSON
    assert 'href="../other/#a-section"' in page  # a link to a page, as MkDocs makes it on Markdown pages
    assert '<a class="md-button" href="nb.ipynb" download="nb.ipynb">Download notebook</a>' in page
    assert list((site.root / ".cache" / "docexec" / "notebooks").glob("nb-cpu-*.ipynb"))  # kept for warm builds
    published = json.loads((site.root / "out" / "nb" / "nb.ipynb").read_text())
    assert published["cells"][1]["outputs"] == []  # the download is the notebook as written
    notebook(site.root / "docs" / "nb.ipynb", "x = 1", "1 / 0")
    failed = site.build()
    assert failed.returncode == 1
    assert "nb.ipynb: cell 2" in failed.stderr and "ZeroDivisionError" in failed.stderr


PAGE = "# Page\n\nBack [home](index.md) or to [a section](#a-section).\n\n## A section\n\n"


def site_with_a_notebook(scratch_site, **options):
    """A page with one exec fence, and its notebook in docs/notebooks/ (as committed)."""
    site = scratch_site()
    site.config(notebooks=True, **options)
    site.snippet("page/a.py", "print('from a')\n")
    site.page("page", "page/a.py", text=PAGE)
    assert generate.main(["--root", str(site.root)]) == 0
    return site


def markdown_of(notebook_path: Path) -> str:
    return "".join("".join(cell["source"]) for cell in json.loads(notebook_path.read_text())["cells"]
                   if cell["cell_type"] == "markdown")


@pytest.mark.build
def test_published_notebooks_link_to_the_site_when_it_has_an_address(scratch_site):
    site = site_with_a_notebook(scratch_site)
    site.config(notebooks=True, top={"site_url": "https://example.org/docs/"})
    done = site.build()
    assert done.returncode == 0, done.stderr
    text = markdown_of(site.root / "out" / "notebooks" / "page.ipynb")
    assert "[home](https://example.org/docs/)" in text
    assert "[a section](https://example.org/docs/page/#a-section)" in text
    assert "[`docs/page.md`](https://example.org/docs/page/)" in text  # the header names the page by its address
    assert "(index.md)" in markdown_of(site.root / "docs" / "notebooks" / "page.ipynb")  # the committed copy is left alone


@pytest.mark.build
def test_without_an_address_published_notebooks_keep_relative_links(scratch_site):
    site = site_with_a_notebook(scratch_site)
    done = site.build()
    assert done.returncode == 0, done.stderr
    published = site.root / "out" / "notebooks" / "page.ipynb"
    assert published.read_bytes() == (site.root / "docs" / "notebooks" / "page.ipynb").read_bytes()
    assert "[home](index.md)" in markdown_of(published)


@pytest.mark.build
def test_building_from_another_folder_resolves_every_path_from_mkdocs_yml(scratch_site, tmp_path):
    site = scratch_site()
    site.config(notebooks=True)
    site.snippet("index/environment.py", "print('found')\n")
    site.page("index", "index/environment.py")  # docs/index.md, as the site's home page
    notebook(site.root / "docs" / "nb.ipynb", "print(6 * 7)")
    assert generate.main(["--root", str(site.root)]) == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = site.build("-f", str(site.root / "mkdocs.yml"), cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert "found" in (site.root / "out" / "index.html").read_text() and "42" in site.html("nb")
    assert list(elsewhere.iterdir()) == []  # no .cache/ (results, notebooks, their HTML) in the current folder
    assert list((site.root / ".cache" / "docexec" / "cpu").rglob("environment.json"))
    assert list((site.root / ".cache" / "docexec" / "notebooks").glob("nb-cpu-*.ipynb"))


@pytest.mark.build
def test_an_empty_cache_dir_turns_every_cache_off_and_leaves_nothing_behind(scratch_site, tmp_path):
    site = scratch_site()
    site.config(notebooks=True, cache_dir="")
    runs = tmp_path / "runs.log"
    names = [f"s{n}.py" for n in range(4)]  # a batch: the workers import what torch imports lazily
    for name in names:
        site.snippet(name, f"open({str(runs)!r}, 'a').write('ran\\n')\nprint('uncached')\n")
    site.page("page", *names)
    notebook(site.root / "docs" / "nb.ipynb", "print(6 * 7)")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    for build in (1, 2):
        done = site.build(TMPDIR=str(temporary))
        assert done.returncode == 0, done.stderr
        assert "uncached" in site.html("page") and "42" in site.html("nb")
        assert runs.read_text() == "ran\n" * 8 * build  # two runs each, every build: none came from a cache
        assert not (site.root / ".cache").exists()
        assert os.listdir(temporary) == []  # the executed notebook's temporary folder is gone too


@pytest.mark.build
def test_without_mkdocs_jupyter_no_notebook_is_run_or_changed(scratch_site):
    """Nothing renders a notebook as a page then: each is a file of the site, published as written."""
    site = site_with_a_notebook(scratch_site)
    site.config()
    notebook(site.root / "docs" / "nb.ipynb", "raise SystemExit('never run')")
    done = site.build()
    assert done.returncode == 0, done.stderr
    for name in ("nb.ipynb", "notebooks/page.ipynb"):
        assert (site.root / "out" / name).read_bytes() == (site.root / "docs" / name).read_bytes(), name
    assert not (site.root / ".cache" / "docexec" / "notebooks").exists()

