"""Executed output is text, whatever it contains: seen in chromium.

Snippets that print HTML, a script, Markdown and a fence, and one that raises an
error whose message is HTML, go through the same Markdown pipeline as the site
(pymdownx.snippets + docexec, really executed). The page they make is opened in
the browser: no dialog opens, no element is injected, and the reader sees the
printed characters as they were printed.
"""

from __future__ import annotations

import textwrap

import markdown

HOSTILE = {
    "prints_html.py": """\
        print("<script>alert(1)</script>")
        print('<img src=x onerror="alert(2)">')
        print("**bold** [link](https://example.invalid) `code`")
        print("```")
        print("</code></pre><h1>escaped?</h1>")
    """,
    "raises_html.py": """\
        raise ValueError('<img src=x onerror="alert(3)"> & <b>bold</b>')
    """,
}

PAGE = """\
# Hostile output

```python exec
--8<-- "prints_html.py"
```

```python exec raises="ValueError" match="onerror"
--8<-- "raises_html.py"
```
"""


def render(tmp_path) -> str:
    for name, source in HOSTILE.items():
        (tmp_path / name).write_text(textwrap.dedent(source))
    md = markdown.Markdown(
        extensions=["pymdownx.superfences", "pymdownx.snippets", "docexec.extension"],
        extension_configs={
            "pymdownx.snippets": {"base_path": [str(tmp_path)], "check_paths": True},
            "docexec.extension": {"timeout": 30, "cache_dir": ""},
        },
    )
    body = md.convert(PAGE)
    return f"<!doctype html><html lang=en><head><meta charset=utf-8><title>t</title></head><body>{body}</body></html>"


def test_printed_html_and_markdown_show_as_text(_chromium, tmp_path):
    html = render(tmp_path)
    context = _chromium.new_context()
    try:
        page = context.new_page()
        dialogs, requests = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        context.route("**/*", lambda r: (requests.append(r.request.url), r.abort()))
        page.set_content(html, wait_until="load")
        seen = page.evaluate(
            """() => ({
                scripts: document.querySelectorAll("script").length,
                images: document.querySelectorAll("img").length,
                headings: [...document.querySelectorAll("h1")].map(h => h.textContent),
                strong: document.querySelectorAll("strong, b, a").length,
                text: document.body.innerText,
            })"""
        )
    finally:
        context.close()
    assert not dialogs, f"a printed script ran: {dialogs}"
    assert seen["scripts"] == 0 and seen["images"] == 0 and seen["strong"] == 0, seen
    assert seen["headings"] == ["Hostile output"], seen["headings"]
    assert not requests, f"printed markup made the browser fetch: {requests}"
    for line in [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(2)">',
        "**bold** [link](https://example.invalid) `code`",
        "```",
        "</code></pre><h1>escaped?</h1>",
        "Output (raises ValueError)",
        'ValueError: <img src=x onerror="alert(3)"> & <b>bold</b>',
    ]:
        assert line in seen["text"], f"not shown as printed: {line!r}"
