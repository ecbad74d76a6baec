"""Decide whether two runs of a snippet may be published, and what the page shows.

Pure functions of the runs and the fence's options: no MkDocs, no worker. A run is
the worker's answer: what the terminal received, the exit status, and the child's
report (error type and line, figures, peak memory, start time).
"""

from __future__ import annotations

import datetime
import difflib
import re
import signal

from docexec import paths, terminal
from docexec.directive import Directive
from docexec.errors import SnippetError

ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{8,}\b")
NUMBER = re.compile(r"(?<![\d.])\d{6,}(?![\d.])")


def shown(run: dict) -> str:
    """What the reader's terminal shows for the run, library paths shortened (``paths``)."""
    return paths.shorten_library(terminal.render(run["output"]))


def figures(runs: list[dict]) -> list[str]:
    return (runs[0].get("result") or {}).get("figures", [])


def _status_text(status: int) -> str:
    if status < 0:
        try:
            return f"was killed by signal {signal.Signals(-status).name}"
        except ValueError:
            return f"was killed by signal {-status}"
    return f"ended with exit status {status}"


def _printed(run: dict) -> str:
    text = shown(run).rstrip("\n")
    return f"\nwhat it printed:\n{text}" if text else "\nit printed nothing"


def _where(path: str, result: dict) -> str:
    line = (result.get("error") or {}).get("line")
    return f"{path}:{line}" if line else path


def _check_ended(run: dict, directive: Directive, path: str) -> dict:
    """The run's report from the child; a run that never finished is refused, unless it
    ended with the exit status the fence declares (``os._exit(n)`` leaves no report)."""
    if "timeout" in run:
        raise SnippetError(
            f"{path}: still running after {run['timeout']:g} s (its timeout); killed with everything it started"
            + _printed(run)
        )
    if "limit" in run:
        raise SnippetError(
            f"{path}: printed {run['size'] / 2**20:.1f} MiB, over the limit of {run['limit']} bytes "
            f"(max_output in mkdocs.yml); killed{_printed(run)[:2000]}"
        )
    if run.get("result") is not None:
        return run["result"]
    if directive.exit is not None and run["status"] == directive.exit:
        return {"status": run["status"], "error": None, "figures": []}
    raise SnippetError(f"{path}: the process {_status_text(run['status'])} before it finished{_printed(run)}")


def _first_line(message: str) -> str:
    lines = message.strip().splitlines()
    return lines[0] + (" [...]" if len(lines) > 1 else "") if lines else "(no message)"


def check_error(error: dict | None, status: int, directive: Directive, where: str) -> None:
    """The error a run ended with (type, module, message, line), against the fence:
    none unless declared; a declared one of that type whose message matches ``match=``."""
    if error and directive.raises is None:
        raise SnippetError(
            f"{where}: raised {error['type']}: {error['message']}\n"
            f"(if the error is the point of the snippet, declare it: "
            f"```python exec raises=\"{error['type']}\" match=\"<part of its message>\")"
        )
    if directive.raises is None:
        return
    if error is None:
        raise SnippetError(f"{where}: expected {directive.raises} to be raised, but it {_status_text(status)} without one")
    if directive.raises not in {error["type"], f"{error['module']}.{error['type']}"}:
        raise SnippetError(f"{where}: expected {directive.raises}, but it raised {error['type']}: {error['message']}")
    if directive.match is not None and not re.search(directive.match, error["message"]):
        raise SnippetError(
            f"{where}: raised {error['type']}, but not with the message the fence expects.\n"
            f"  expected a message matching: {directive.match!r}\n"
            f"  it raised:                   {error['type']}: {_first_line(error['message'])}"
        )


def _check_outcome(run: dict, result: dict, directive: Directive, path: str) -> None:
    status = run["status"]
    expected_status = directive.exit if directive.exit is not None else (1 if directive.raises else 0)
    try:
        check_error(result["error"], status, directive, _where(path, result))
    except SnippetError as exc:
        if result["error"] and directive.raises is None:
            raise SnippetError(f"{exc}{_printed(run)}") from None
        raise
    if status != expected_status:
        hint = "" if directive.exit is not None else f' (if that is the point, declare it: ```python exec exit={status})'
        raise SnippetError(f"{path}: {_status_text(status)}, expected {expected_status}{hint}{_printed(run)}")


def _likely_cause(first: str, second: str) -> str:
    a, b = first.split(), second.split()
    if sorted(first) == sorted(second):  # the same characters in another order
        return "set order: iterating a set or dict of strings depends on the hash seed, which differs per run"
    if ADDRESS.search(first + second) or any(
        x.isdigit() and y.isdigit() and len(x) >= 9 and x != y for x, y in zip(a, b)
    ):
        return "an address: id() or a default repr changes from run to run"
    return "unseeded randomness (call torch.manual_seed), or a timing"


def _clock_in(text: str, started: float) -> str | None:
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


def judge(runs: list[dict], directive: Directive, path: str) -> str:
    """Check both runs against the fence's options; return the text the page shows."""
    results = [_check_ended(run, directive, path) for run in runs]
    _check_outcome(runs[0], results[0], directive, path)
    texts = [shown(run) for run in runs]
    if texts[1] != texts[0]:
        diff = "\n".join(difflib.unified_diff(texts[0].splitlines(), texts[1].splitlines(), "run 1", "run 2", lineterm="", n=1))
        raise SnippetError(
            f"{path}: two runs printed different output, so the page would show one of many. "
            f"Likely cause: {_likely_cause(texts[0], texts[1])}.\n{diff}"
        )
    if figures(runs[1:]) != figures(runs):
        raise SnippetError(f"{path}: its figures differ between two runs; seed it")
    address = ADDRESS.search(texts[0])
    if address:
        raise SnippetError(f"{path}: output contains the memory address {address.group()}, which changes from run to run")
    stamp = _clock_in(texts[0], runs[0]["started"])
    if stamp:
        raise SnippetError(
            f"{path}: output contains {stamp!r}, which looks like the clock (today's date or the time): "
            "the page would show the build's time as if it were the reader's"
        )
    return texts[0]
