"""Turn the worker's raw runs into the output shown on the page, or a build error."""

from __future__ import annotations

import difflib
import re

from docexec.directive import Directive

ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{8,}\b")


class SnippetError(RuntimeError):
    """A snippet that must not be published: it failed, hung, or is not reproducible."""


def _where(path: str, run: dict) -> str:
    line = (run.get("error") or {}).get("line")
    return f"{path}:{line}" if line else path


def _shown(run: dict) -> str:
    text = run["output"]
    if run["error"]:
        text += run["error"]["traceback"] + "\n"
    return text


def figures(runs: list[dict]) -> list[str]:
    """The SVG figures of a judged result (``judge`` has checked both runs drew the same)."""
    return runs[0].get("figures", [])


def judge(runs: list[dict], directive: Directive, path: str) -> str:
    """Check every run against the directive; return the text to show."""
    for run in runs:
        if "timeout" in run:
            raise SnippetError(f"{path}: still running after {run['timeout']:g} s (per-snippet timeout); killed")
        if "crash" in run:
            raise SnippetError(f"{path}: the process running it died: {run['crash']}")
    first = runs[0]
    error = first["error"]
    if error and directive.raises is None:
        raise SnippetError(
            f"{_where(path, first)}: raised {error['type']}: {error['message']}\n{error['traceback']}\n"
            f"(if the error is the point of the snippet, declare it: ```python exec raises=\"{error['type']}\")"
        )
    if directive.raises is not None:
        if error is None:
            raise SnippetError(f"{path}: expected {directive.raises} to be raised, but it finished without an error")
        names = {error["type"], f"{error['module']}.{error['type']}"}
        if directive.raises not in names:
            raise SnippetError(
                f"{_where(path, first)}: expected {directive.raises}, but it raised "
                f"{error['type']}: {error['message']}"
            )
    texts = [_shown(run) for run in runs]
    if any(text != texts[0] for text in texts[1:]):
        diff = "\n".join(
            difflib.unified_diff(texts[0].splitlines(), texts[1].splitlines(), "run 1", "run 2", lineterm="", n=1)
        )
        raise SnippetError(
            f"{path}: output differs between two runs with different seeds, so the page would show "
            f"nondeterministic output. Seed it (torch.manual_seed) and print no timings or addresses.\n{diff}"
        )
    if any(run.get("figures", []) != runs[0].get("figures", []) for run in runs[1:]):
        raise SnippetError(f"{path}: its figures differ between two runs with different seeds; seed it")
    address = ADDRESS.search(texts[0])
    if address:
        raise SnippetError(
            f"{path}: output contains the memory address {address.group()}, which changes from run to run"
        )
    return texts[0]
