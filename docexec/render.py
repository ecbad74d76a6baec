"""Turn a judged output into what the page shows: an output block, figures, CUDA tabs.

The output block is HTML written here and handed to Python-Markdown's stash, not a
Markdown fence: no later Markdown step may touch it, so spaces, blank lines and
tabs stay as the terminal showed them (a fence would lose whitespace-only lines and
leading blank lines, and expand tabs to 4 columns). The text is escaped: a snippet
that prints ``<script>`` or Markdown shows it as text.
"""

from __future__ import annotations

import base64
import html
from typing import Callable

Stash = Callable[[str], str]  # md.htmlStash.store: HTML in, placeholder out


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


def with_cuda(text: str, label: str, record: dict | None, current: bool, stash: Stash, indent: str = "") -> list[str]:
    """The CPU output, with the recorded CUDA output beside it when there is one.

    The CUDA label names where the record came from (GPU, torch and CUDA versions,
    date): a record from another torch version says so, and a stale one is not shown.
    """
    if record is None:
        return output_block(text, label, stash, indent)
    provenance = f"{record['gpu']}, torch {record['torch']}, CUDA {record['cuda']}, recorded {record['date']}"
    if not current:
        return [
            *output_block(text, label, stash, indent),
            f'{indent}!!! warning "Recorded CUDA output is out of date"',
            f"{indent}    The CUDA output recorded for this snippet ({provenance}) came from an older",
            f"{indent}    version of it, so it is not shown. Re-record with `python -m docexec.cuda_records`.",
            "",
        ]
    if record["output"] == text:
        return output_block(text, f"{label} · same on CUDA ({record['gpu']}, torch {record['torch']})", stash, indent)
    inner = indent + "    "
    return [
        "",
        f'{indent}=== "CPU"',
        *output_block(text, f"{label} on CPU", stash, inner),
        f'{indent}=== "CUDA · {record["gpu"]} · torch {record["torch"]}"',
        *output_block(record["output"], f"{label} on CUDA ({provenance})", stash, inner),
    ]


def error_block(message: str, stash: Stash, indent: str = "") -> list[str]:
    """A snippet that would stop ``mkdocs build``, shown on its page (``mkdocs serve``)."""
    block = (
        '<div class="admonition failure docexec-error"><p class="admonition-title">'
        "This snippet failed: mkdocs build stops here</p>"
        f"<pre><code>{html.escape(message, quote=False)}</code></pre></div>"
    )
    return ["", f"{indent}{stash(block)}", ""]
