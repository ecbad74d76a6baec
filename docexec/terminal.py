"""What a terminal shows for the bytes a program wrote to it.

The output block under a snippet is what the reader's terminal would show, not the
raw bytes: a carriage return or backspace moves the cursor and what follows
overwrites (a progress bar ends as its last state), a tab moves to the next multiple
of 8 columns, an ANSI escape sequence (colours, cursor moves, erasing) is not
printed: colours are stripped, erase-to-end-of-line erases, cursor-up moves up a
line. Other control characters, which a terminal would not print either, are shown
as their visible Unicode symbols (``\\a`` as ``␇``) rather than dropped. Spaces,
blank lines and trailing whitespace are kept as written.
"""

from __future__ import annotations

import re

ESCAPE = re.compile(r"\x1b(?:\[(?P<args>[0-9;?]*)[ -/]*(?P<command>[@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
TOKENS = re.compile(ESCAPE.pattern + r"|[\r\n\b\t]|[^\x1b\r\n\b\t]+")  # an escape, a control, or plain text
CONTROL = re.compile(r"[\x00-\x06\x0e-\x1a\x1c-\x1f\x7f\x07\x0b\x0c]")


def _visible(text: str) -> str:
    return CONTROL.sub(lambda m: chr(0x2421) if m.group() == "\x7f" else chr(0x2400 + ord(m.group())), text)


def screen(raw: str) -> str:
    """``raw`` as a terminal of unlimited width and height would show it."""
    lines: list[list[str]] = [[]]
    row = col = 0
    for found in TOKENS.finditer(raw):
        token = found.group()
        if token == "\n":
            row += 1
            col = 0
            if row == len(lines):
                lines.append([])
        elif token == "\r":
            col = 0
        elif token == "\b":
            col = max(0, col - 1)
        elif token == "\t":
            col = (col // 8 + 1) * 8
            lines[row].extend(" " * (col - len(lines[row])))
        elif token.startswith("\x1b"):
            command, args = found["command"] or "", found["args"] or ""
            count = int(args) if args and args.isdigit() else 1
            if command == "K":  # erase to the end of the line (the only erase progress bars use)
                del lines[row][col:]
            elif command == "A":
                row = max(0, row - count)
            elif command == "B":
                row += count
                lines.extend([] for _ in range(row + 1 - len(lines)))
            elif command == "C":
                col += count
            elif command == "D":
                col = max(0, col - count)
            elif command == "G":
                col = max(0, count - 1)
        else:
            line = lines[row]
            text = _visible(token)
            line.extend(" " * (col - len(line)))
            line[col : col + len(text)] = list(text)
            col += len(text)
    return "\n".join("".join(line) for line in lines)
