import pytest

from docexec.directive import Directive, DirectiveError, is_exec, parse


def test_plain_exec():
    assert parse("python exec") == Directive()


def test_all_options():
    d = parse('python exec raises="RuntimeError" timeout=12.5 output=mermaid')
    assert d == Directive(raises="RuntimeError", timeout=12.5, output="mermaid")


def test_is_exec_only_as_a_word():
    assert is_exec("python exec")
    assert is_exec('python exec raises="X"')
    assert not is_exec('python title="executor.py"')


@pytest.mark.parametrize(
    ("info", "message"),
    [
        ("text exec", "must be ```python exec"),
        ("python exec raise=RuntimeError", "unknown option(s) raise"),
        ("python exec timeout=soon", "positive number"),
        ("python exec timeout=0", "positive number"),
        ("python exec output=html", "must be one of text, mermaid, none"),
        ('python exec raises="not a class"', "is not an exception class name"),
        ("python exec raises", "must look like key=value"),
        ("python exec timeout=1 timeout=2", "given twice"),
        ('python exec raises="Unclosed', "cannot parse"),
        ("python exec=1", "'exec' must be a bare word"),
    ],
)
def test_malformed_directives_are_rejected(info, message):
    with pytest.raises(DirectiveError, match=None) as caught:
        parse(info)
    assert message in str(caught.value)
