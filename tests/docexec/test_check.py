import pytest

from docexec.check import SnippetError, judge
from docexec.directive import Directive


def run(output="", error=None):
    return {"output": output, "error": error, "duration": 0.0, "deps": []}


ERR = {"type": "RuntimeError", "module": "builtins", "message": "boom", "line": 7, "traceback": "Traceback\nRuntimeError: boom"}


def test_equal_runs_give_their_output():
    assert judge([run("a\n"), run("a\n")], Directive(), "s.py") == "a\n"


def test_differing_runs_fail_as_nondeterministic():
    with pytest.raises(SnippetError, match="output differs between two runs") as caught:
        judge([run("x = 0.1\n"), run("x = 0.7\n")], Directive(), "s.py")
    assert "-x = 0.1" in str(caught.value) and "+x = 0.7" in str(caught.value)


def test_memory_address_fails():
    with pytest.raises(SnippetError, match="memory address 0x7f3a2b1c9d10"):
        judge([run("<obj at 0x7f3a2b1c9d10>\n")] * 2, Directive(), "s.py")


def test_unexpected_error_names_file_and_line():
    with pytest.raises(SnippetError, match=r"s\.py:7: raised RuntimeError: boom"):
        judge([run("", ERR)] * 2, Directive(), "s.py")


def test_expected_error_is_shown():
    text = judge([run("before\n", ERR)] * 2, Directive(raises="RuntimeError"), "s.py")
    assert text == "before\nTraceback\nRuntimeError: boom\n"


def test_expected_error_by_qualified_name():
    assert "boom" in judge([run("", ERR)] * 2, Directive(raises="builtins.RuntimeError"), "s.py")


def test_wrong_error_type_fails():
    with pytest.raises(SnippetError, match="expected ValueError, but it raised RuntimeError"):
        judge([run("", ERR)] * 2, Directive(raises="ValueError"), "s.py")


def test_missing_expected_error_fails():
    with pytest.raises(SnippetError, match="expected ValueError to be raised, but it finished"):
        judge([run("ok\n")] * 2, Directive(raises="ValueError"), "s.py")


def test_timeout_and_crash_fail():
    with pytest.raises(SnippetError, match="still running after 3 s"):
        judge([{"timeout": 3.0}, run()], Directive(), "s.py")
    with pytest.raises(SnippetError, match="died"):
        judge([run(), {"crash": "segfault"}], Directive(), "s.py")
