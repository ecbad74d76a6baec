"""Decide whether the runs of a snippet may be published, and what the page shows.

Pure functions of the runs (``run.result.RunResult``) and the fence's options
(``directive.Directive``): no MkDocs, no worker, nothing changed. ``verdict`` is the
one entry point; ``check_error`` is also what the recorded outputs of other devices
are held to (``records``).
"""

from __future__ import annotations

import datetime
import difflib
import re
import signal
from dataclasses import dataclass
from typing import Optional

from docexec import paths, terminal
from docexec.directive import Directive
from docexec.errors import SnippetError
from docexec.run.result import RaisedError, RunResult

ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{8,}\b")
NUMBER = re.compile(r"(?<![\d.])\d{6,}(?![\d.])")


@dataclass(frozen=True)
class Verdict:
    """What the page shows for a snippet whose runs may be published."""

    text: str  # what a terminal showed, library paths shortened
    figures: tuple[str, ...]  # the first run's figures (SVG)


def shown(run: RunResult) -> str:
    """What the reader's terminal shows for the run, library paths shortened (``paths``)."""
    return paths.shorten_library(terminal.screen(run.output))


def _status_text(status: int) -> str:
    if status < 0:
        try:
            return f"was killed by signal {signal.Signals(-status).name}"
        except ValueError:
            return f"was killed by signal {-status}"
    return f"ended with exit status {status}"


def _printed(run: RunResult) -> str:
    text = shown(run).rstrip("\n")
    return f"\nwhat it printed:\n{text}" if text else "\nit printed nothing"


def _where(title: str, error: Optional[RaisedError]) -> str:
    return f"{title}:{error.line}" if error and error.line else title


def _first_line(message: str) -> str:
    lines = message.strip().splitlines()
    return lines[0] + (" [...]" if len(lines) > 1 else "") if lines else "(no message)"


def _check_ended(run: RunResult, directive: Directive, title: str) -> None:
    """A run the executor stopped, or that died before it could report, is refused, unless
    it ended with the exit status the fence declares (``os._exit(n)`` leaves no report)."""
    if run.timeout is not None:
        raise SnippetError(
            f"{title}: still running after {run.timeout:g} s (its timeout); killed with everything it started"
            + _printed(run)
        )
    if run.limit is not None:
        raise SnippetError(
            f"{title}: printed {run.size / 2**20:.1f} MiB, over the limit of {run.limit} bytes "
            f"(max_output in mkdocs.yml); killed{_printed(run)[:2000]}"
        )
    if not run.finished and run.status != directive.exit:
        raise SnippetError(f"{title}: the process {_status_text(run.status)} before it finished{_printed(run)}")


def check_error(error: Optional[RaisedError], status: int, directive: Directive, where: str) -> None:
    """The error a run ended with, against the fence: none unless declared; a declared one
    of that type whose message matches ``match=``."""
    if error and directive.raises is None:
        raise SnippetError(
            f"{where}: raised {error.type}: {error.message}\n"
            f"(if the error is the point of the snippet, declare it: "
            f'```python exec raises="{error.type}" match="<part of its message>")'
        )
    if directive.raises is None:
        return
    if error is None:
        raise SnippetError(f"{where}: expected {directive.raises} to be raised, but it {_status_text(status)} without one")
    if directive.raises not in {error.type, f"{error.module}.{error.type}"}:
        raise SnippetError(f"{where}: expected {directive.raises}, but it raised {error.type}: {error.message}")
    if directive.match is not None and not re.search(directive.match, error.message):
        raise SnippetError(
            f"{where}: raised {error.type}, but not with the message the fence expects.\n"
            f"  expected a message matching: {directive.match!r}\n"
            f"  it raised:                   {error.type}: {_first_line(error.message)}"
        )


def _check_outcome(run: RunResult, directive: Directive, title: str) -> None:
    expected_status = directive.exit if directive.exit is not None else (1 if directive.raises else 0)
    try:
        check_error(run.error, run.status, directive, _where(title, run.error))
    except SnippetError as exc:
        if run.error and directive.raises is None:
            raise SnippetError(f"{exc}{_printed(run)}") from None
        raise
    if run.status != expected_status:
        hint = "" if directive.exit is not None else f" (if that is the point, declare it: ```python exec exit={run.status})"
        raise SnippetError(f"{title}: {_status_text(run.status)}, expected {expected_status}{hint}{_printed(run)}")


def _likely_cause(first: str, second: str) -> str:
    a, b = first.split(), second.split()
    if sorted(first) == sorted(second):  # the same characters in another order
        return "set order: iterating a set or dict of strings depends on the hash seed, which differs per run"
    if ADDRESS.search(first + second) or any(
        x.isdigit() and y.isdigit() and len(x) >= 9 and x != y for x, y in zip(a, b)
    ):
        return "an address: id() or a default repr changes from run to run"
    return "unseeded randomness (call torch.manual_seed), or a timing"


def _clock_in(text: str, started: float) -> Optional[str]:
    """A date or epoch time of the run found in its output, which would freeze when cached."""
    moment = datetime.datetime.fromtimestamp(started)
    for day in (moment, moment - datetime.timedelta(days=1), moment + datetime.timedelta(days=1)):
        for form in ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%a %b %e", "%d %b %Y", "%B %d, %Y"):
            stamp = day.strftime(form)
            if stamp in text:
                return stamp
    for number in NUMBER.findall(text):
        value = int(number)
        for scale in (1e-3, 1e-2, 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e9):
            if abs(value * scale - started) < 2 * 86400 and value >= 1e5:
                return number
    return None


def verdict(runs: list[RunResult], directive: Directive, title: str) -> Verdict:
    """Check the runs (two, or one that the executor stopped) against the fence's options;
    what the page shows, or a ``SnippetError`` that says why it may not be shown."""
    for run in runs:
        _check_ended(run, directive, title)
    first, second = runs
    _check_outcome(first, directive, title)
    texts = [shown(first), shown(second)]
    if texts[1] != texts[0]:
        diff = "\n".join(difflib.unified_diff(texts[0].splitlines(), texts[1].splitlines(), "run 1", "run 2", lineterm="", n=1))
        raise SnippetError(
            f"{title}: two runs printed different output, so the page would show one of many. "
            f"Likely cause: {_likely_cause(texts[0], texts[1])}.\n{diff}"
        )
    if second.figures != first.figures:
        raise SnippetError(f"{title}: its figures differ between two runs; seed it")
    if first.figures and not directive.alt:
        raise SnippetError(
            f'{title} draws {len(first.figures)} figure(s); describe them for readers who cannot see them: ```python exec alt="..."'
        )
    address = ADDRESS.search(texts[0])
    if address:
        raise SnippetError(f"{title}: output contains the memory address {address.group()}, which changes from run to run")
    stamp = _clock_in(texts[0], first.started)
    if stamp:
        raise SnippetError(
            f"{title}: output contains {stamp!r}, which looks like the clock (today's date or the time): "
            "the page would show the build's time as if it were the reader's"
        )
    return Verdict(texts[0], first.figures)
