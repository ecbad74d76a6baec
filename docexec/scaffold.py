"""Start a new page in one step: ``python -m docexec.scaffold <page> "<Title>"``.

Creates, from the repository root (``--root``):

- ``docs/<page>.md``: the H1, one exec fence, a "Remember" section;
- ``snippets/<page>/__init__.py`` and a first snippet, ``snippets/<page>/first_example.py``;
- ``tests/snippets/test_<page>.py``: asserts on what that snippet computes, on cpu and cuda;
- the page's entry in ``mkdocs.yml``'s nav (before the CUDA page, which closes the topic
  list, or at the end of the top-level pages; one line is added, the rest of the file is
  left as it is);
- ``docs/notebooks/<page>.ipynb``, by running ``python -m docexec.notebooks``.

The result builds and passes its tests as it is (``tests/test_scaffold.py`` checks
that in a copy of the repository); then replace the example with the page's own.
It refuses to overwrite anything. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

NAME = re.compile(r"^[a-z][a-z0-9_]*$")  # a Python package name: snippets/<page>/ is one
INSERT_BEFORE = "cuda.md"  # new topic pages go before "Autograd on CUDA" in the nav
NAV_ENTRY = re.compile(r"^(?P<indent>[ ]*)- (?P<title>[^\n]*?):[ ]*(?P<target>\S*)[ ]*$")
PLAIN_TITLE = re.compile(r"^[A-Za-z0-9_()., -]*[A-Za-z0-9_().]$")  # safe unquoted in YAML
SNIPPET = "first_example"

PAGE = '''# {title}

What this page teaches, in a sentence or two: the question it answers and what
the reader can do afterwards.

## A first example

What the program below shows, and what to look for in its output. Every number
quoted here must match the output printed under the code.

```python exec
--8<-- "{name}/{snippet}.py"
```

## Remember

- The one thing to take away from the example above.
'''

INIT = '''"""Snippets for docs/{name}.md."""
'''

FIRST_SNIPPET = '''import torch

device = "cuda" if torch.cuda.is_available() else "cpu"

# Replace with the page's first example. d(x**3)/dx = 3 * x**2, so 12 at x = 2.
x = torch.tensor(2.0, device=device, requires_grad=True)
y = x**3
y.backward()
print("y =", y.item())
print("dy/dx =", x.grad.item())
'''

TEST = '''"""docs/{name}.md: {title}."""


def test_{snippet}(run_snippet, device):
    ns = run_snippet("{name}/{snippet}.py")
    assert ns.device == device
    assert ns.x.device.type == device
    assert ns.y.item() == 2.0**3
    assert ns.x.grad.item() == 3 * 2.0**2  # d(x**3)/dx = 3 * x**2, computed here, not copied
    assert f"dy/dx = {{ns.x.grad.item()}}" in ns.out
'''


class ScaffoldError(Exception):
    pass


def yaml_title(title: str) -> str:
    """The title as a YAML scalar: as written when that is safe, else double-quoted."""
    return title if PLAIN_TITLE.match(title) else json.dumps(title, ensure_ascii=False)


def add_to_nav(text: str, entry_title: str, target: str) -> str:
    """``text`` (mkdocs.yml) with ``- <title>: <target>`` added to the top level of nav:."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == "nav:"), None)
    if start is None:
        raise ScaffoldError("mkdocs.yml has no top-level 'nav:' line")
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t-#"):
        end += 1  # the nav block: indented, list or blank lines
    top = []  # (line index, indent, target) of the nav's top-level entries
    for i in range(start + 1, end):
        match = NAV_ENTRY.match(lines[i].rstrip("\n"))
        if match and (not top or len(match["indent"]) == len(top[0][1])):
            top.append((i, match["indent"], match["target"]))
    if not top:
        raise ScaffoldError("mkdocs.yml's nav: has no entries to add to")
    if any(t == target for _, _, t in top):
        raise ScaffoldError(f"mkdocs.yml's nav already lists {target}")
    indent = top[0][1]
    before = next((i for i, _, t in top if t == INSERT_BEFORE), None)
    if before is None:  # after the last top-level page (a section such as "About:" has no target)
        pages = [i for i, _, t in top if t]
        before = pages[-1] + 1 if pages else top[-1][0] + 1
    lines.insert(before, f"{indent}- {yaml_title(entry_title)}: {target}\n")
    return "".join(lines)


def scaffold(root: Path, name: str, title: str, *, notebook: bool = True) -> list[Path]:
    if not NAME.match(name):
        raise ScaffoldError(f"{name!r}: a page name is lower case letters, digits and _, starting with a letter")
    if not title.strip() or "\n" in title:
        raise ScaffoldError("the title is one non-empty line")
    config = root / "mkdocs.yml"
    files = {
        root / "docs" / f"{name}.md": PAGE.format(title=title, name=name, snippet=SNIPPET),
        root / "snippets" / name / "__init__.py": INIT.format(name=name),
        root / "snippets" / name / f"{SNIPPET}.py": FIRST_SNIPPET,
        root / "tests" / "snippets" / f"test_{name}.py": TEST.format(title=title, name=name, snippet=SNIPPET),
    }
    if not config.is_file():
        raise ScaffoldError(f"no mkdocs.yml in {root} (run from the repository root, or pass --root)")
    ours = [root / "docs" / f"{name}.md", root / "snippets" / name, root / "tests" / "snippets" / f"test_{name}.py"]
    existing = [path for path in ours if path.exists()] + sorted((root / "docs").glob(f"{name}.*"))  # e.g. a .ipynb page
    existing = list(dict.fromkeys(existing))
    if existing:
        raise ScaffoldError("already there, not overwritten: " + ", ".join(str(p.relative_to(root)) for p in existing))
    nav = add_to_nav(config.read_text(encoding="utf-8"), title, f"{name}.md")  # fails before writing anything
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config.write_text(nav, encoding="utf-8")
    written = [*files, config]
    if notebook:  # docs/notebooks/<page>.ipynb, as `python -m docexec.notebooks` writes every page's
        subprocess.run(
            [sys.executable, "-m", "docexec.notebooks", "--root", str(root)],
            cwd=root, check=True, capture_output=True, text=True,
        )
        written.append(root / "docs" / "notebooks" / f"{name}.ipynb")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m docexec.scaffold", description=__doc__.split("\n")[0])
    parser.add_argument("page", help="the page's name: docs/<page>.md, snippets/<page>/ (e.g. hooks)")
    parser.add_argument("title", help="its title: the H1 and the nav entry (e.g. \"Tensor hooks\")")
    parser.add_argument("--root", type=Path, default=Path("."), help="repository root (default: .)")
    args = parser.parse_args(argv)
    try:
        written = scaffold(args.root.resolve(), args.page, args.title)
    except ScaffoldError as error:
        print(f"scaffold: {error}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:  # the files are written; only the notebook is missing
        print(f"scaffold: python -m docexec.notebooks failed:\n{error.stdout}{error.stderr}", file=sys.stderr)
        return 1
    root = args.root.resolve()
    for path in written:
        print(f"wrote {path.relative_to(root)}")
    print(
        f"next: write docs/{args.page}.md and its snippets, then\n"
        f"  .venv/bin/pytest tests/snippets/test_{args.page}.py tests/test_site.py\n"
        f"  .venv/bin/mkdocs serve   # and open the page"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
