"""Stand-in for the executor's report of each snippet's global types, for measuring.

    .venv/bin/python scripts/apilinks_runtime_types.py > /tmp/runtime-types.json

Runs every snippet once, on the CPU, in this one process (no isolation: a measuring
tool, not the build), and prints {"page/file.py": {"name": "qualified.type", ...}}: the
format docexec.apilinks reads from its ``runtime_types`` option. The executor could
report the same at the end of each run (type(value).__module__ + "." + __qualname__ of
each global whose name does not start with "_"), from the run the page shows.
"""

import contextlib
import io
import json
import os
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    out = {}
    os.environ["CUDA_VISIBLE_DEVICES"] = ""
    for file in sorted((ROOT / "snippets").glob("*/*.py")):
        if file.name == "__init__.py":
            continue
        rel = file.relative_to(ROOT / "snippets").as_posix()
        scope = {"__name__": "__main__", "__file__": str(file)}
        cwd = os.getcwd()
        sys.path.insert(0, str(file.parent))
        os.chdir(file.parent)
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(compile(file.read_text(), str(file), "exec"), scope)
        except BaseException:  # noqa: BLE001  (snippets that raise on purpose: keep what they defined)
            pass
        finally:
            os.chdir(cwd)
            sys.path.pop(0)
            for name in [m for m in sys.modules if m == "helpers"]:
                del sys.modules[name]
        types_ = {}
        for name, value in scope.items():
            if name.startswith("_") or isinstance(value, types.ModuleType):
                continue
            cls = type(value)
            types_[name] = f"{cls.__module__}.{cls.__qualname__}"
        out[rel] = types_
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
