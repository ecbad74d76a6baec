"""Build-speed benchmark (not a test): prints ratios measured side by side in one run.

    .venv/bin/python benchmarks/build.py [--runs 3]

It copies the site (docs/, snippets/, docexec/, overrides/, mkdocs.yml) to a temporary
folder and builds it there, so the repository and its cache are untouched:

* plain   build with execution switched off (DOCEXEC_EXECUTE=0)
* torch   one `python -c "import torch"`
* cold    build with an empty cache (every snippet runs)
* warm    build again, nothing changed
* touched build after editing one snippet, in a new process (what CI or `mkdocs build` pays)
* serve   the same edit rebuilt in one long-lived process, as `mkdocs serve` does
          (its worker is already running, so only the edited snippet runs)
* kernel  the same pages executed with one Jupyter kernel per page (nbclient), the
          way mkdocs-jupyter does it, plus the plain build

Each figure is the median over --runs repetitions; the table comes last.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs", "build", "-q"]
TOUCHED = "backward/chain_rule.py"

SERVE_DRIVER = """
import json, sys, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

snippet = Path("snippets/{touched}")
original = snippet.read_text()
times = {{}}
config = load_config("mkdocs.yml")
config.plugins.on_startup(command="serve", dirty=False)  # what `mkdocs serve` tells the hooks
build(config)  # warm: nothing runs, no worker
for label in ("first_edit", "second_edit"):
    snippet.write_text(original + f"# {{label}}\\n")
    start = time.perf_counter()
    build(load_config("mkdocs.yml"))
    times[label] = time.perf_counter() - start
snippet.write_text(original)
print(json.dumps(times))
"""


def timed(command, cwd, env=None) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env={**os.environ, **(env or {})}, check=True, capture_output=True)
    return time.perf_counter() - start


IN_PROCESS = """
import contextlib, io, json, os, runpy, sys, time
import nbformat, torch
def run_notebook(path):  # its code cells, in order, in one namespace; IPython magics dropped
    namespace = {"__name__": "__main__"}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            code = "\\n".join(l for l in cell.source.splitlines() if not l.lstrip().startswith(("%", "!")))
            exec(compile(code, path, "exec"), namespace)
times = {}
for path in sys.argv[1:]:
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            run_notebook(path) if path.endswith(".ipynb") else runpy.run_path(path, run_name="__main__")
        except BaseException:
            pass  # the snippets that raise on purpose
    times[path] = time.perf_counter() - start
print(json.dumps(times))
"""


def snippet_seconds(work: Path) -> tuple[float, dict]:
    """The snippets' own run times: each run once, one after another, in one process that
    imported torch first (the least any executor must spend; lazy imports such as
    torch._dynamo are paid once, by the first snippet that needs them). The code cells
    of the notebook pages count as snippets too: the build runs them as well. The notebooks
    generated from the pages (docs/notebooks/) are downloads the build does not run."""
    files = sorted(str(p) for p in (work / "snippets").glob("*/*.py") if p.name != "__init__.py")
    pages = work / "docs"
    files += sorted(str(p) for p in pages.rglob("*.ipynb") if "notebooks" not in p.relative_to(pages).parts)
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "MPLBACKEND": "svg"}  # plt.show() draws nothing on screen
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run(
            [sys.executable, "-c", IN_PROCESS, *files], cwd=scratch, env=env, check=True, capture_output=True, text=True
        )
    each = json.loads(done.stdout.strip().splitlines()[-1])
    return sum(each.values()), each


def kernel_per_page(site: Path) -> float:
    """Execute each page's snippets as one notebook in a fresh kernel, page after page."""
    import nbformat
    from nbclient import NotebookClient


    from docexec.session import Session  # scan pages with the build's own rules
    from docexec.settings import Settings

    build = Session(Settings(execute=False, docs_dir=str(site / "docs")))

    def resolve(path: str):
        file = site / "snippets" / path
        return str(file) if file.is_file() else None

    start = time.perf_counter()
    for page in build.site_pages():
        jobs = build.page_jobs(page, resolve)
        if not jobs:
            continue
        cells = [nbformat.v4.new_code_cell(Path(job.file).read_text()) for job in jobs]
        notebook = nbformat.v4.new_notebook(cells=cells)
        env_before = os.environ.get("CUDA_VISIBLE_DEVICES")
        os.environ["CUDA_VISIBLE_DEVICES"] = ""
        try:
            NotebookClient(notebook, timeout=120, allow_errors=True, kernel_name="python3").execute()
        finally:
            if env_before is None:
                os.environ.pop("CUDA_VISIBLE_DEVICES", None)
    return time.perf_counter() - start


def one_round(work: Path) -> dict:
    cache = work / ".cache" / "docexec"
    shutil.rmtree(cache, ignore_errors=True)
    figures = {"plain": timed(MKDOCS, work, {"DOCEXEC_EXECUTE": "0"})}
    figures["torch"] = timed([sys.executable, "-c", "import torch"], work)
    figures["cold"] = timed(MKDOCS, work)
    figures["snippets"], each = snippet_seconds(work)
    figures["warm"] = timed(MKDOCS, work)
    snippet = work / "snippets" / TOUCHED
    original = snippet.read_text()
    snippet.write_text(original + "# touched\n")
    figures["touched"] = timed(MKDOCS, work)
    snippet.write_text(original)
    figures["touched_snippet"] = each[str(snippet)]
    timed(MKDOCS, work)  # back to a warm cache before the serve-style rebuilds
    driver = subprocess.run(
        [sys.executable, "-c", SERVE_DRIVER.format(touched=TOUCHED)], cwd=work, check=True, capture_output=True, text=True
    )
    serve = json.loads(driver.stdout.strip().splitlines()[-1])
    figures["serve_first_edit"], figures["serve_edit"] = serve["first_edit"], serve["second_edit"]
    figures["kernel"] = kernel_per_page(work) + figures["plain"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for part in ("docs", "snippets", "docexec", "overrides"):
            shutil.copytree(ROOT / part, work / part, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
        rounds = []
        for number in range(1, args.runs + 1):
            rounds.append(one_round(work))
            print(f"round {number}: " + ", ".join(f"{k} {v:.2f}s" for k, v in rounds[-1].items()), flush=True)
    m = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    floor = m["plain"] + m["torch"] + m["snippets"]
    rows = [
        ("cold / (plain + import torch + snippets)", m["cold"] / floor, "<= 1.3"),
        ("warm / plain", m["warm"] / m["plain"], "<= 1.2"),
        (
            "touched, new process / warm",
            m["touched"] / m["warm"],
            f"<= {1.5 + m['touched_snippet'] / m['warm']:.2f} (1.5 + snippet)",
        ),
        (
            "touched, under serve / warm",
            m["serve_edit"] / m["warm"],
            f"<= {1.5 + m['touched_snippet'] / m['warm']:.2f} (1.5 + snippet)",
        ),
        ("first edit under serve / warm (starts the worker)", m["serve_first_edit"] / m["warm"], "(reported)"),
        ("kernel per page / cold", m["kernel"] / m["cold"], "(reference we beat: > 1)"),
    ]
    print(f"\nmedians of {args.runs} runs, seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in m.items()))
    width = max(len(r[0]) for r in rows)
    print(f"\n{'ratio':<{width}}  value  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:5.2f}  {target}")


if __name__ == "__main__":
    main()
