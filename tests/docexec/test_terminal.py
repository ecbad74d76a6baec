"""docexec.terminal: what a terminal shows for the bytes a program wrote (the fidelity suite
compares it with a real pseudo-terminal; these are the rules one by one)."""

import pytest

from docexec.terminal import screen


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain\ntext\n", "plain\ntext\n"),
        ("10%\r50%\r100%\n", "100%\n"),  # a progress bar ends as its last state
        ("long line\rshort\n", "shortline\n"),  # a carriage return overwrites, it does not erase
        ("abc\b\bX\n", "aXc\n"),  # backspace moves the cursor back
        ("\b\bstart\n", "start\n"),  # never before the first column
        ("a\tb\n12345678\tc\n", "a       b\n12345678        c\n"),  # tabs stop every 8 columns
        ("\x1b[1;31mred\x1b[0m plain\n", "red plain\n"),  # colours are stripped
        ("progress 10%\r\x1b[Kdone\n", "done\n"),  # erase to the end of the line
        ("one\ntwo\n\x1b[2Aup\n", "upe\ntwo\n"),  # cursor up two lines, then a newline moves down one
        ("a\x1b[3Cb\n", "a   b\n"),  # cursor forward pads with spaces
        ("abcd\x1b[2DX\n", "abXd\n"),  # cursor back
        ("abcd\x1b[2GX\n", "aXcd\n"),  # to column 2
        ("a\x1b[Bb\n", "a\n b\n"),  # cursor down keeps the column
        ("\x1b]0;window title\x07shown\n", "shown\n"),  # an OSC sequence is not printed
        ("bell\x07 nul\x00 del\x7f\n", "bell␇ nul␀ del␡\n"),  # other controls as their symbols
        ("  spaces kept  \n\n\n", "  spaces kept  \n\n\n"),
        ("no newline at the end", "no newline at the end"),
    ],
)
def test_screen_is_what_a_terminal_shows(raw, shown):
    assert screen(raw) == shown
