"""docexec.judge: whether the runs of a snippet may be published, and what the page shows."""

import datetime
import time

import pytest

from docexec.directive import Directive
from docexec.errors import SnippetError
from docexec.judge import Verdict, check_error, shown, verdict
from docexec.run.result import RaisedError, RunResult

NOW = time.time()


def run(output="", error=None, status=None, figures=(), started=NOW):
    """A run that ended on its own."""
    status = (1 if error else 0) if status is None else status
    return RunResult(output=output, status=status, started=started, finished=True, error=error, duration=0.01,
                     figures=tuple(figures), peak={"rss_bytes": 0})


def ended(output="", status=-9, **stopped):
    """A run that never finished (killed, crashed, os._exit)."""
    return RunResult(output=output, status=status, started=NOW, finished=False, **stopped)


def judge(runs, directive, title):
    """The text the page shows."""
    return verdict(runs, directive, title).text


ERR = RaisedError("RuntimeError", "builtins", "boom", 7)
TRACEBACK = 'Traceback (most recent call last):\n  File "s.py", line 7, in <module>\nRuntimeError: boom\n'


def test_equal_runs_give_their_output():
    assert judge([run("a\n"), run("a\n")], Directive(), "s.py") == "a\n"


def test_the_text_is_what_a_terminal_shows():
    raw = "50%\r100%\n\x1b[31mred\x1b[0m\ta\n"
    assert shown(run(raw)) == "100%\nred     a\n"
    assert judge([run(raw), run(raw)], Directive(), "s.py") == "100%\nred     a\n"


def test_runs_that_differ_only_in_raw_bytes_but_show_the_same_are_equal():
    assert judge([run("x\ry\n"), run("y\n")], Directive(), "s.py") == "y\n"


def test_differing_runs_fail_as_nondeterministic():
    with pytest.raises(SnippetError, match="two runs printed different output") as caught:
        judge([run("x = 0.1\n"), run("x = 0.7\n")], Directive(), "s.py")
    message = str(caught.value)
    assert "-x = 0.1" in message and "+x = 0.7" in message
    assert "Likely cause: unseeded randomness" in message


def test_differing_set_order_is_named_as_the_likely_cause():
    with pytest.raises(SnippetError, match="Likely cause: set order"):
        judge([run("{'a', 'b'}\n"), run("{'b', 'a'}\n")], Directive(), "s.py")


def test_differing_ids_are_named_as_the_likely_cause():
    with pytest.raises(SnippetError, match="Likely cause: an address"):
        judge([run("id 140234567890123\n"), run("id 140234567555123\n")], Directive(), "s.py")


def test_memory_address_fails():
    with pytest.raises(SnippetError, match="memory address 0x7f3a2b1c9d10"):
        judge([run("<obj at 0x7f3a2b1c9d10>\n")] * 2, Directive(), "s.py")


def test_todays_date_fails_as_the_clock():
    today = datetime.date.fromtimestamp(NOW).isoformat()
    with pytest.raises(SnippetError, match=f"output contains '{today}', which looks like the clock"):
        judge([run(f"built on {today}\n")] * 2, Directive(), "s.py")


@pytest.mark.parametrize("scale", [1, 1000])
def test_the_epoch_time_fails_as_the_clock(scale):
    stamp = str(int(NOW * scale))
    with pytest.raises(SnippetError, match="looks like the clock"):
        judge([run(f"t={stamp}\n")] * 2, Directive(), "s.py")


def test_numbers_far_from_the_clock_pass():
    assert judge([run("rows 123456\n")] * 2, Directive(), "s.py") == "rows 123456\n"


def test_unexpected_error_names_file_and_line_and_shows_what_it_printed():
    with pytest.raises(SnippetError, match=r"s\.py:7: raised RuntimeError: boom") as caught:
        judge([run("before\n" + TRACEBACK, ERR)] * 2, Directive(), "s.py")
    message = str(caught.value)
    assert "what it printed:\nbefore\nTraceback" in message
    assert '```python exec raises="RuntimeError" match="<part of its message>"' in message


def test_expected_error_is_shown_as_printed():
    text = judge([run("before\n" + TRACEBACK, ERR)] * 2, Directive(raises="RuntimeError", match="bo+m"), "s.py")
    assert text == "before\n" + TRACEBACK


def test_expected_error_by_qualified_name():
    assert "boom" in judge([run(TRACEBACK, ERR)] * 2, Directive(raises="builtins.RuntimeError", match="boom"), "s.py")


def test_wrong_error_type_fails():
    with pytest.raises(SnippetError, match=r"s\.py:7: expected ValueError, but it raised RuntimeError: boom"):
        judge([run("", ERR)] * 2, Directive(raises="ValueError", match="boom"), "s.py")


def test_an_error_of_the_declared_type_with_another_message_fails_naming_both():
    """raises= names the type and match= the message: an error of the declared type with
    another message is not the one the page explains."""
    unrelated = RaisedError("RuntimeError", "builtins", "unrelated\nsecond line", 3)
    with pytest.raises(SnippetError) as caught:
        judge([run("", unrelated)] * 2, Directive(raises="RuntimeError", match="element 0"), "s.py")
    assert str(caught.value) == (
        "s.py:3: raised RuntimeError, but not with the message the fence expects.\n"
        "  expected a message matching: 'element 0'\n"
        "  it raised:                   RuntimeError: unrelated [...]"
    )


def test_match_is_searched_not_anchored():
    error = RaisedError("RuntimeError", "builtins", "element 0 of tensors does not require grad", 7)
    assert judge([run(TRACEBACK, error)] * 2, Directive(raises="RuntimeError", match="does not require"), "s.py")


def test_missing_expected_error_fails():
    with pytest.raises(SnippetError, match="expected ValueError to be raised, but it ended with exit status 0 without one"):
        judge([run("ok\n")] * 2, Directive(raises="ValueError", match="x"), "s.py")


def test_an_undeclared_exit_status_fails_and_says_how_to_declare_it():
    with pytest.raises(SnippetError, match="ended with exit status 2, expected 0") as caught:
        judge([run("bye\n", status=2)] * 2, Directive(), "s.py")
    assert "```python exec exit=2" in str(caught.value) and "what it printed:\nbye" in str(caught.value)


def test_a_declared_exit_status_is_shown():
    assert judge([run("bye\n", status=2)] * 2, Directive(exit=2), "s.py") == "bye\n"


def test_a_declared_exit_status_must_be_met():
    with pytest.raises(SnippetError, match="ended with exit status 0, expected 2"):
        judge([run("ok\n")] * 2, Directive(exit=2), "s.py")


def test_an_error_with_another_exit_status_than_declared_fails():
    with pytest.raises(SnippetError, match="ended with exit status 1, expected 3"):
        judge([run(TRACEBACK, ERR)] * 2, Directive(raises="RuntimeError", match="boom", exit=3), "s.py")


def test_os_exit_with_a_declared_status_is_shown():
    """os._exit(n) leaves no report from the child: the status alone decides."""
    assert judge([ended("bye\n", status=3)] * 2, Directive(exit=3), "s.py") == "bye\n"


def test_os_exit_output_with_a_large_number_is_shown():
    assert judge([ended("rows 123456\n", status=3)] * 2, Directive(exit=3), "s.py") == "rows 123456\n"


def test_os_exit_with_an_undeclared_status_fails():
    with pytest.raises(SnippetError, match="the process ended with exit status 3 before it finished"):
        judge([ended("bye\n", status=3)] * 2, Directive(), "s.py")


def test_timeout_fails_showing_what_it_printed():
    with pytest.raises(SnippetError, match="still running after 3 s") as caught:
        judge([ended("waiting\n", timeout=3.0), run()], Directive(), "s.py")
    assert "what it printed:\nwaiting" in str(caught.value)


def test_a_stopped_first_run_alone_is_judged():
    """The client gives no second run to a run it stopped: one run is enough to refuse."""
    with pytest.raises(SnippetError, match=r"^s\.py: still running after 3 s \(its timeout\)"):
        judge([ended("waiting\n", timeout=3.0)], Directive(), "s.py")
    with pytest.raises(SnippetError, match="over the limit of 100 bytes"):
        judge([ended("x" * 10, limit=100, size=200)], Directive(), "s.py")


def test_a_crash_names_the_signal():
    with pytest.raises(SnippetError, match="was killed by signal SIGSEGV before it finished") as caught:
        judge([run(), ended("printed before the crash\n", status=-11)], Directive(), "s.py")
    assert "what it printed:\nprinted before the crash" in str(caught.value)


def test_a_crash_that_printed_nothing_says_so():
    with pytest.raises(SnippetError, match="SIGKILL before it finished\nit printed nothing"):
        judge([ended(status=-9), run()], Directive(), "s.py")


def test_output_over_the_limit_fails_with_its_size():
    with pytest.raises(SnippetError, match=r"printed 2\.0 MiB, over the limit of 1000000 bytes \(max_output"):
        judge([ended("x" * 100, limit=1_000_000, size=2 * 2**20), run()], Directive(), "s.py")


def test_figures_are_those_of_the_first_run_with_their_alt_text():
    runs = [run("", figures=["<svg>1</svg>"]), run("", figures=["<svg>1</svg>"])]
    assert verdict(runs, Directive(alt="a line"), "s.py") == Verdict("", ("<svg>1</svg>",))


def test_figures_without_alt_text_fail():
    runs = [run("", figures=["<svg>1</svg>", "<svg>2</svg>"])] * 2
    with pytest.raises(SnippetError, match=r'^s\.py draws 2 figure\(s\); describe them .*```python exec alt="..."'):
        verdict(runs, Directive(), "s.py")


def test_figures_that_differ_fail():
    with pytest.raises(SnippetError, match="figures differ between two runs"):
        judge([run("", figures=["<svg>1</svg>"]), run("", figures=["<svg>2</svg>"])], Directive(alt="x"), "s.py")


def test_library_paths_are_shortened_in_the_text_shown():
    frame = '  File "/home/me/.venv/lib/python3.11/site-packages/torch/_tensor.py", line 5, in f\n'
    assert judge([run(frame)] * 2, Directive(), "s.py") == '  File "…/site-packages/torch/_tensor.py", line 5, in f\n'


@pytest.mark.parametrize(
    ("error", "directive", "message"),
    [
        (None, Directive(), None),
        (ERR, Directive(raises="RuntimeError", match="bo"), None),
        (ERR, Directive(raises="builtins.RuntimeError", match="boom$"), None),
        (ERR, Directive(), "where: raised RuntimeError: boom\n(if the error is the point"),
        (None, Directive(raises="RuntimeError", match="x"), "where: expected RuntimeError to be raised, but it ended with exit status 0"),
        (ERR, Directive(raises="ValueError", match="boom"), "where: expected ValueError, but it raised RuntimeError: boom"),
        (ERR, Directive(raises="RuntimeError", match="^oom"), "where: raised RuntimeError, but not with the message"),
    ],
)
def test_check_error_holds_an_error_to_the_fence(error, directive, message):
    """What recorded outputs of other devices are held to as well (records.refusal)."""
    if message is None:
        check_error(error, 1 if error else 0, directive, "where")
    else:
        with pytest.raises(SnippetError) as caught:
            check_error(error, 1 if error else 0, directive, "where")
        assert str(caught.value).startswith(message)
