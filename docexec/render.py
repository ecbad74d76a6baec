"""Turn a judged output into what the page shows: an output block, figures, other devices' tabs.

``fence_output`` is the one entry point: the fence's ``output=`` mode picks its renderer
from ``OUTPUT_MODES`` (as markdown-exec's formatter table does), and figures follow.

The output block is HTML written here and handed to Python-Markdown's stash, not a
Markdown fence: no later Markdown step may touch it, so spaces, blank lines and
tabs stay as the terminal showed them (a fence would lose whitespace-only lines and
leading blank lines, and expand tabs to 4 columns). The text is escaped: a snippet
that prints ``<script>`` or Markdown shows it as text.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from typing import Callable

from docexec import paths

Stash = Callable[[str], str]  # md.htmlStash.store: HTML in, placeholder out


@dataclass(frozen=True)
class Place:
    """Where and beside what an output goes: the page's stash, the fence's indent, the
    build's device and torch (``CPU · torch 2.13.0``), the other devices' records
    (``records.Shown``) and their notes."""

    stash: Stash
    indent: str = ""
    built: str = ""
    torch: str = ""
    records: tuple = ()
    notes: dict | None = None


def output_block(text: str, title: str, stash: Stash, indent: str = "") -> list[str]:
    """An output block titled ``title``; none when the program printed nothing."""
    if not text:
        return []
    body = html.escape(text[:-1] if text.endswith("\n") else text, quote=False)
    block = (
        f'<div class="language-text highlight docexec-output"><span class="filename">{html.escape(title)}</span>'
        f"<pre><code>{body}</code></pre></div>"
    )
    return ["", f"{indent}{stash(block)}", ""]


def mermaid(text: str, indent: str = "") -> list[str]:
    """Printed Mermaid source, as a fence the Mermaid integration draws."""
    return ["", f"{indent}```mermaid", *(f"{indent}{line}" for line in text.rstrip("\n").split("\n")), f"{indent}```", ""]


def figures(svgs: list[str], alt: str, indent: str = "") -> list[str]:
    lines = []
    for svg in svgs:
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        lines += ["", f"{indent}![{alt}](data:image/svg+xml;base64,{data}){{ .docexec-figure }}"]
    return lines


def with_records(text: str, label: str, built: str, torch: str, shown: list, notes: dict, stash: Stash,
                 indent: str = "") -> list[str]:
    """The build's output (``built``: its device and torch, e.g. ``CPU · torch 2.13.0``;
    ``torch``: the build's torch version), with the records of the other devices beside
    it (``records.Shown``).

    A record that may not be shown is replaced by a note saying why. A record that
    printed the same says so in the block's title; one that differs gets a tab titled
    with where it came from (``CUDA · NVIDIA H200 · torch 2.11.0``). When the record was
    made with another torch version, a note under it says what that version changed:
    the maintainers' note from the records' ``differences.yml``, or, when the two
    outputs differ only in line numbers of torch's own files, that.
    """
    refused = [item for item in shown if item.refused]
    accepted = [item for item in shown if not item.refused]
    lines = []
    for item in refused:
        lines += [
            f'{indent}!!! warning "Recorded {item.device.label} output not shown"',
            f"{indent}    The {item.device.label} output recorded for this snippet ({item.device.provenance(item.record)}) "
            f"is not shown: {_one_line(item.refused)}. Re-record it with `scripts/gpu-check.sh` "
            f"on a machine with {item.device.label}.",
            "",
        ]
    differ = [item for item in accepted if paths.shorten_library(item.output) != text]
    same = [item for item in accepted if item not in differ]
    title = label + "".join(f" · same on {item.device.tab(item.record)}" for item in same)
    if not differ:
        return [*output_block(text, title, stash, indent), *lines]
    inner = indent + "    "
    out = ["", f'{indent}=== "{built}"', *output_block(text, title, stash, inner)]
    for item in differ:
        out += [f'{indent}=== "{item.device.tab(item.record)}"',
                *output_block(paths.shorten_library(item.output), f"{label} on {item.device.provenance(item.record)}", stash, inner)]
        note = _version_note(text, item, notes, torch)
        if note:
            out += ["", f"{inner}{stash(_note(note, item.record))}", ""]
    return [*out, *lines]


def _version_note(text: str, item, notes: dict, torch: str) -> str | None:
    if item.record["torch"].split("+")[0] == torch.split("+")[0]:
        return None
    written = notes.get(item.device.name, {}).get(item.title)
    if written:
        return written
    if paths.without_library_lines(paths.shorten_library(item.output)) == paths.without_library_lines(text):
        return "The outputs differ only in the line numbers of torch's own files, which moved between the versions."
    return None


def _note(note: str, record: dict) -> str:
    """A records' note (text with `code` spans) as HTML, after what it explains."""
    body = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(note, quote=False))
    return f'<p class="docexec-note">Not a difference of the device: this record was made with torch {html.escape(record["torch"])}. {body}</p>'


def _one_line(text: str) -> str:
    return " ".join(text.split()).rstrip(".")


def error_block(message: str, stash: Stash, indent: str = "", title: str = "This snippet may not be published") -> list[str]:
    """Why a snippet (or a page) may not be published, shown where it would be: under
    ``mkdocs serve`` the rest of the site keeps working; ``mkdocs build`` fails at its end."""
    block = (
        '<div class="admonition failure docexec-error"><p class="admonition-title">'
        f"{html.escape(title)}</p>"
        f"<pre><code>{html.escape(message, quote=False)}</code></pre></div>"
    )
    return ["", f"{indent}{stash(block)}", ""]


def _text(verdict, directive, place: Place) -> list[str]:
    label = f"Output (raises {directive.raises})" if directive.raises else "Output"
    return with_records(verdict.text, label, place.built, place.torch, list(place.records), place.notes or {},
                        place.stash, place.indent)


def _mermaid(verdict, directive, place: Place) -> list[str]:
    return mermaid(verdict.text, place.indent)


def _nothing(verdict, directive, place: Place) -> list[str]:
    return []


OUTPUT_MODES = {"text": _text, "mermaid": _mermaid, "none": _nothing}  # directive.OUTPUTS, each with its renderer


def fence_output(verdict, directive, place: Place) -> list[str]:
    """What goes under an exec fence's code: its output as ``output=`` says, then its figures."""
    return OUTPUT_MODES[directive.output](verdict, directive, place) + figures(verdict.figures, directive.alt or "", place.indent)
