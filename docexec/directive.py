"""Parse the header of an ``exec`` fence.

    ```python exec raises="RuntimeError" match="scalar outputs" timeout=60
    --8<-- "backward/ols_step.py"
    ```

Every option is checked here, so a typo fails the build instead of being
ignored the way an unknown fence attribute usually is. The options are the
fields of ``Directive``: nothing else lists them.

``raises=`` always comes with ``match=``, a regular expression searched in the
error's message (as ``pytest.raises(match=)`` does). A type alone accepts any error
of that type raised anywhere: on a GPU machine the executor's own CUDA error was
accepted that way as the error a page explains. The message is what the page
explains, so the fence states it.
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass, fields
from typing import Optional

OUTPUTS = ("text", "mermaid", "none")  # the renderers of render.OUTPUT_MODES


class DirectiveError(ValueError):
    """An ``exec`` fence header that cannot be understood."""


@dataclass(frozen=True)
class Directive:
    raises: Optional[str] = None  # the exception the snippet must end with: class name or module.Class
    match: Optional[str] = None  # a regular expression its message must contain (re.search); required with raises
    timeout: Optional[float] = None
    output: str = "text"
    alt: Optional[str] = None  # text alternative for the figures a snippet draws
    exit: Optional[int] = None  # the exit status it must end with, when not 0 (or 1 with raises=)


PYTHON_LANGS = {"python", "py", "python3", "py3", "pycon", "ipython", "ipython3", "pyi", "sage"}


def language(info: str) -> str:
    """The fence's language however it is written: ```Python, ``` { .python }, ```py title="x"."""
    word = re.split(r"[\s{}]+", info.strip().lstrip("{").strip())[0] if info.strip() else ""
    if not word:
        classes = re.findall(r"\.([\w+-]+)", info)
        word = classes[0] if classes else ""
    return word.lstrip(".").lower()


def is_python(info: str) -> bool:
    return language(info) in PYTHON_LANGS


def is_exec(info: str) -> bool:
    """Whether a fence's info string asks for execution (``exec`` as a word of it)."""
    return "exec" in re.split(r"[\s=]+", info.strip())


def parse(info: str) -> Directive:
    try:
        words = shlex.split(info)
    except ValueError as exc:
        raise DirectiveError(f"cannot parse fence header {info!r}: {exc}") from None
    if not words or words[0] != "python":
        raise DirectiveError(f"exec fences must be ```python exec ...```, got {info!r}")
    if "exec" not in words[1:]:
        raise DirectiveError(f"'exec' must be a bare word after 'python', got {info!r}")
    options = {}
    for word in words[1:]:
        if word == "exec":
            continue
        key, eq, value = word.partition("=")
        if not eq or not value:
            raise DirectiveError(f"option {word!r} in {info!r} must look like key=value")
        if key in options:
            raise DirectiveError(f"option {key!r} given twice in {info!r}")
        options[key] = value
    known = [field.name for field in fields(Directive)]
    unknown = set(options) - set(known)
    if unknown:
        raise DirectiveError(f"unknown option(s) {', '.join(sorted(unknown))} in {info!r}; known: {', '.join(known)}")
    raises, match = options.get("raises"), options.get("match")
    if raises is not None and not re.fullmatch(r"[A-Za-z_][\w.]*", raises):
        raise DirectiveError(f"raises={raises!r} is not an exception class name")
    if (raises is None) != (match is None):
        raise DirectiveError(
            f"raises= and match= go together in {info!r}: the exception's type and a regular expression searched "
            f'in its message (```python exec raises="RuntimeError" match="does not require grad"), so that an '
            "error of that type raised anywhere else is not taken for the one the page explains"
        )
    if match is not None:
        try:
            re.compile(match)
        except re.error as exc:
            raise DirectiveError(f"match={match!r} is not a regular expression: {exc}") from None
    timeout = None
    if "timeout" in options:
        try:
            timeout = float(options["timeout"])
        except ValueError:
            timeout = -1.0
        if not (timeout > 0 and math.isfinite(timeout)):
            raise DirectiveError(f"timeout={options['timeout']!r} must be a positive, finite number of seconds")
    exit_status = None
    if "exit" in options:
        if not re.fullmatch(r"-?\d+", options["exit"]):
            raise DirectiveError(f"exit={options['exit']!r} must be an exit status (an integer)")
        exit_status = int(options["exit"])
    output = options.get("output", "text")
    if output not in OUTPUTS:
        raise DirectiveError(f"output={output!r} must be one of {', '.join(OUTPUTS)}")
    return Directive(raises=raises, match=match, timeout=timeout, output=output, alt=options.get("alt"), exit=exit_status)
