"""Numbers the prose quotes from an output must be in that output.

The convention, for every page in docs/*.md:

- After an ``exec`` fence (read as the build reads it: ``docexec.fences.walk``),
  the prose up to the next fence or heading talks
  about that fence's output. In that stretch, an inline code span that holds
  only a number (``-2.0``, ``1.02``, ``12``; a Unicode minus ``−`` counts as
  ``-``) is a quote of the output, and is checked.
- Any other number is not checked: write it without backticks (``the learning
  rate 0.1``), or in a code span that is more than a number (``x = 1``).
- A quote matches a number in the output (stdout and stderr, as the page shows
  both) if it is equal to it (``12`` quotes ``12.0``), or, when the quote has
  decimals, if it is that number rounded to the quote's decimals (``1.02``
  quotes ``1.0199999809265137``). A quote without decimals must be exact, so
  ``2`` does not quote ``2.4544``.

The outputs come from running each snippet the way the build and a reader do:
``python snippet.py`` in an empty folder, with CUDA hidden. Only the snippets
that some prose quotes are run, two at a time.

The page also shows each snippet's recorded CUDA output beside the CPU one
(``recorded/cuda/<page>/<snippet>.json``, field ``output``) while that record is
current (``docexec.records.is_current``). A quote must then hold for what
the reader sees on both sides:

- a number in both outputs, or in the CPU output where no current record is
  shown, is a plain quote;
- a number that only the CPU printed, while the GPU output beside it printed
  something else (a seeded draw: a GPU has its own generator), must be said to
  be the CPU's: its sentence names the ``CPU``;
- a number that only the GPU printed must say so: its sentence names the
  ``GPU``, ``CUDA`` or the ``H200``. It is checked against the current record
  only; a stale or missing record leaves it unsupported, and it fails.

A sentence ends at ``.``, ``!`` or ``?`` before white space, at a blank line
and before a list item.

PAGES lists the pages written to this convention. A page joins it once every
number-only code span after its exec fences is a quote of that output (other
numbers out of backticks); when all pages have, PAGES becomes every docs/*.md.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import pytest

from docexec import fences, records

ROOT = Path(__file__).resolve().parent.parent
DOCS, SNIPPETS = ROOT / "docs", ROOT / "snippets"
RECORDS = ROOT / "recorded"  # <device>/<page>/<snippet>.json

HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
QUOTE = re.compile(rf"\s*({NUMBER})\s*")
# In output: a number not glued to a word or to another number ("float32" holds none).
IN_OUTPUT = re.compile(rf"(?<![\w.]){NUMBER}")
SENTENCE_END = re.compile(r"[.!?](?=\s)|\n[ \t]*\n|\n(?=[ \t]*(?:[-*+]|\d+\.)[ \t])")
NAMES_CPU = re.compile(r"\bCPU\b")
NAMES_GPU = re.compile(r"\b(?:GPU|CUDA|H200)\b")


@dataclass(frozen=True)
class Quote:
    page: str
    line: int  # 1-based line of the code span on the page
    text: str  # the quote as written, minus signs normalised
    snippet: str  # page/file.py, the exec fence the prose follows
    sentence: str = ""  # the sentence the quote stands in


def normalise(text: str) -> str:
    return text.replace("\u2212", "-")


resolve = fences.resolver(SNIPPETS)  # an include's file, as the site's pymdownx.snippets finds it


def exec_fences(text: str, resolve=resolve) -> list[fences.Job]:
    """The page's exec fences, as the build reads them (a page the build rejects fails here too)."""
    return fences.mark_outputs(text.splitlines(), resolve)[1]


def quotes_in(page: str, text: str, resolve=resolve) -> list[Quote]:
    """Every number-only code span in the prose that follows an exec fence."""
    lines = text.splitlines()
    blocks = list(fences.walk(lines, resolve))  # as the build reads the page
    found: list[Quote] = []
    for index, fence in enumerate(blocks):
        if not isinstance(fence, fences.Fence) or fence.job is None:
            continue
        start = i = fence.end + 1
        for block in blocks[index + 1 :]:
            if isinstance(block, fences.Fence) or HEADING.match(block[1]):
                break
            i = block[0] + 1
        snippet = fence.job.title  # the include, as written: page/file.py
        prose = "\n".join(lines[start:i])
        for span in CODE_SPAN.finditer(prose):
            number = QUOTE.fullmatch(normalise(span.group(2)))
            if number:
                line = start + 1 + prose.count("\n", 0, span.start())
                sentence = sentence_around(prose, span.start(), span.end())
                found.append(Quote(page, line, number.group(1), snippet, sentence))
    return found


def sentence_around(prose: str, start: int, end: int) -> str:
    """The sentence of ``prose`` that holds ``prose[start:end]``."""
    begin = max((m.end() for m in SENTENCE_END.finditer(prose, 0, start)), default=0)
    after = SENTENCE_END.search(prose, end)
    return " ".join(prose[begin : after.start() if after else len(prose)].split())


def numbers_in(output: str) -> list[str]:
    return IN_OUTPUT.findall(output)


def matches(quote: str, printed: str) -> bool:
    try:
        q, p = Decimal(quote), Decimal(printed)
    except InvalidOperation:
        return False
    if q == p:
        return True
    mantissa = quote.lstrip("+-").lower().split("e")[0]
    if "e" in quote.lower() or "." not in mantissa:
        return False  # integers and exponents must be exact
    places = Decimal(1).scaleb(-len(mantissa.split(".")[1]))
    return any(p.quantize(places, rounding=mode) == q for mode in (ROUND_HALF_UP, ROUND_HALF_EVEN))


def found_in(quote: str, output: str) -> bool:
    return any(matches(quote, printed) for printed in numbers_in(output))


def run(snippet: str) -> str:
    """stdout and stderr of `python snippets/<snippet>`, as a reader runs it, on the CPU."""
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "MPLBACKEND": "Agg"}
    env.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory(prefix="prose-numbers-") as folder:
        done = subprocess.run(
            [sys.executable, str(SNIPPETS / snippet)],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    return done.stdout + done.stderr


PAGES = sorted(p.name for p in DOCS.glob("*.md"))
QUOTES = [q for page in PAGES for q in quotes_in(page, (DOCS / page).read_text(encoding="utf-8"))]


def test_pages_quote_numbers_that_are_checked():
    assert PAGES and QUOTES, "no page quotes a number from an output: the convention is not in use"


def test_every_page_with_snippets_has_exec_fences_read():
    """The stretches start at the exec fences docexec reads; a reading that finds none checks nothing."""
    topics = sorted(f"{folder.name}.md" for folder in SNIPPETS.iterdir() if (folder / "__init__.py").is_file())
    assert topics and set(topics) <= set(PAGES)
    unread = [page for page in topics if not exec_fences((DOCS / page).read_text(encoding="utf-8"))]
    assert not unread, f"no exec fence read on {unread}"


@cache
def outputs() -> dict[str, str]:
    """Each quoted snippet's output, computed once per session, two runs at a time."""
    snippets = sorted({q.snippet for q in QUOTES})
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(snippets, pool.map(run, snippets)))


@cache
def cuda_output(snippet: str) -> str | None:
    """The CUDA output the page shows beside the CPU one: None without a current record."""
    record = records.load(str(RECORDS), "cuda", str(SNIPPETS / snippet))
    if record is None or not records.is_current(record, str(SNIPPETS / snippet), ROOT):
        return None
    return record["output"]


def problem(quote: Quote, cpu: str, cuda: str | None) -> str | None:
    """What is wrong with a quote, given the CPU output and the current CUDA record (or None)."""
    on_cpu, on_cuda = found_in(quote.text, cpu), cuda is not None and found_in(quote.text, cuda)
    if on_cpu and (on_cuda or cuda is None):
        return None
    if on_cpu:
        if NAMES_CPU.search(quote.sentence):
            return None
        return "only the CPU printed it, and the GPU output beside it differs: say it is the CPU's"
    if on_cuda:
        if NAMES_GPU.search(quote.sentence):
            return None
        return "only the GPU printed it: say it is the GPU's (GPU, CUDA or H200)"
    shown = "" if cuda is None else " or the CUDA record"
    return f"it is in neither the CPU output{shown}"


@pytest.mark.parametrize("snippet", sorted({q.snippet for q in QUOTES}))
def test_quoted_numbers_are_in_the_output(snippet):
    cpu, cuda = outputs()[snippet], cuda_output(snippet)
    wrong = [(q, why) for q in QUOTES if q.snippet == snippet and (why := problem(q, cpu, cuda))]
    assert not wrong, "\n".join(
        f"docs/{q.page}:{q.line}: `{q.text}` ({q.snippet}): {why}\n  sentence: {q.sentence}" for q, why in wrong
    ) + f"\nCPU output:\n{cpu}\nCUDA record:\n{cuda}"


def test_quotes_are_checked_against_cuda_records():
    """The check above reads the records the build shows; if it found none current, it would check nothing."""
    assert any(cuda_output(snippet) is not None for snippet in {q.snippet for q in QUOTES})


# The checker itself: what it reads as a quote, and what it accepts.

PAGE = """\
Before any fence, `1.5` is not checked.

```python exec
--8<-- "demo/first.py"
```

It printed `−2.0` and `12`; `x = 3` and `float32` are not quotes.
The learning rate 0.1 is not in backticks.

```python exec raises="RuntimeError" match="boom"
--8<-- "demo/second.py"
```

- a list item quotes `0.25`

## A heading ends the stretch

So `7` here is not checked.
"""


def test_reads_only_number_spans_after_an_exec_fence(tmp_path):
    (tmp_path / "demo").mkdir()
    for name in ("first.py", "second.py"):  # the page's includes must resolve, as in the build
        (tmp_path / "demo" / name).write_text("print(1)\n")

    def demo(path: str) -> str | None:
        return str(tmp_path / path) if (tmp_path / path).is_file() else None

    assert [(q.line, q.text, q.snippet) for q in quotes_in("demo.md", PAGE, demo)] == [
        (7, "-2.0", "demo/first.py"),
        (7, "12", "demo/first.py"),
        (14, "0.25", "demo/second.py"),
    ]


@pytest.mark.parametrize(
    ("sentence", "cpu", "cuda", "ok"),
    [
        ("The loss is `1.5`.", "loss 1.5", "loss 1.5", True),  # both printed it
        ("The loss is `1.5`.", "loss 1.5", None, True),  # no current record: the CPU output decides
        ("The loss is `1.5`.", "loss 1.5", "loss 2.5", False),  # the GPU output beside it says 2.5
        ("On the CPU build the loss is `1.5`.", "loss 1.5", "loss 2.5", True),
        ("On the H200 the loss is `2.5`.", "loss 1.5", "loss 2.5", True),
        ("The loss is `2.5`.", "loss 1.5", "loss 2.5", False),  # a GPU number, not said to be one
        ("On the GPU the loss is `2.5`.", "loss 1.5", None, False),  # stale record: nothing shows 2.5
        ("On the CPU the loss is `3.5`.", "loss 1.5", "loss 2.5", False),  # in neither
    ],
)
def test_a_number_one_device_printed_says_which(sentence, cpu, cuda, ok):
    (quote,) = [q for q in quotes_in("demo.md", f'```python exec\n--8<-- "d/a.py"\n```\n\n{sentence}\n', lambda p: p)]
    assert quote.sentence == sentence
    assert (problem(quote, cpu, cuda) is None) is ok


def test_sentence_around():
    prose = "First one, `1.0`. Second\nspans lines with `2.0`? Third `3` here\n\n- item `4`\n- next"
    spans = {m.group(0): m for m in re.finditer(r"`[^`]+`", prose)}
    assert sentence_around(prose, spans["`1.0`"].start(), spans["`1.0`"].end()) == "First one, `1.0`"
    assert sentence_around(prose, spans["`2.0`"].start(), spans["`2.0`"].end()) == "Second spans lines with `2.0`"
    assert sentence_around(prose, spans["`3`"].start(), spans["`3`"].end()) == "Third `3` here"
    assert sentence_around(prose, spans["`4`"].start(), spans["`4`"].end()) == "- item `4`"


@pytest.mark.parametrize(
    ("quote", "output", "ok"),
    [
        ("-2.0", "w.grad = tensor(-2.)", True),
        ("-2", "w.grad = tensor(-2.)", True),
        ("12", "dy/dx = 12.0", True),
        ("1.02", "w = 1.0199999809265137", True),
        ("-4.48", "w.grad = -4.4800", True),
        ("0.13", "p = 0.125", True),
        ("0.12", "p = 0.125", True),
        ("2", "ends at 2.4544", False),  # an integer quote must be exact
        ("-2.5", "w.grad = tensor(-2.)", False),  # a wrong number
        ("2.0", "w.grad = tensor(-2.)", False),  # a lost sign
        ("32", "dtype torch.float32", False),  # not a number in the output
        ("3", "range 2-3", True),
        ("1e-06", "eps = 1e-06", True),
    ],
)
def test_matching(quote, output, ok):
    assert found_in(quote, output) is ok
