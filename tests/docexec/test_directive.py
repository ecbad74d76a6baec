import pytest

from docexec.directive import Directive, DirectiveError, is_exec, is_python, language, parse


def test_plain_exec():
    assert parse("python exec") == Directive()


def test_all_options():
    d = parse('python exec raises="RuntimeError" match="size of tensor a \\(3\\)" timeout=12.5 output=mermaid alt="A line" exit=3')
    assert d == Directive(raises="RuntimeError", match=r"size of tensor a \(3\)", timeout=12.5, output="mermaid", alt="A line", exit=3)


def test_match_keeps_regular_expression_escapes_and_quotes():
    d = parse('python exec raises="RuntimeError" match="Can\'t call numpy\\(\\) on .*grad"')
    assert d.match == r"Can't call numpy\(\) on .*grad"


def test_the_known_options_are_the_directives_fields():
    with pytest.raises(DirectiveError, match="known: raises, match, timeout, output, alt, exit$"):
        parse("python exec colour=red")


def test_exit_may_be_negative():
    assert parse("python exec exit=-11").exit == -11


def test_is_exec_only_as_a_word():
    assert is_exec("python exec")
    assert is_exec('python exec raises="X"')
    assert not is_exec('python title="executor.py"')


@pytest.mark.parametrize("info", ["Python", "{ .python }", "ipython", "PY", 'py title="x.py"', "python3 exec"])
def test_every_spelling_of_python_is_python(info):
    assert is_python(info)


@pytest.mark.parametrize("info", ["text", "mermaid", "", "{ .text }", "pythonic"])
def test_other_languages_are_not_python(info):
    assert not is_python(info)


def test_language_is_the_first_word_lowercased():
    assert language('Python title="a.py"') == "python"
    assert language("{ .PY }") == "py"


FINITE = "must be a positive, finite number of seconds"


@pytest.mark.parametrize(
    ("info", "message"),
    [
        ("text exec", "must be ```python exec"),
        ("python exec raise=RuntimeError", "unknown option(s) raise"),
        ('python exec raises="RuntimeError"', "raises= and match= go together"),
        ('python exec match="boom"', "raises= and match= go together"),
        ('python exec raises="RuntimeError" match="(unclosed"', "is not a regular expression: missing ), unterminated subpattern"),
        ("python exec timeout=soon", FINITE),
        ("python exec timeout=0", FINITE),
        ("python exec timeout=-1", FINITE),
        ("python exec timeout=inf", FINITE),
        ("python exec timeout=nan", FINITE),
        ("python exec timeout=1e400", FINITE),
        ("python exec output=html", "must be one of text, mermaid, none"),
        ('python exec raises="not a class" match="x"', "is not an exception class name"),
        ("python exec raises", "must look like key=value"),
        ("python exec timeout=1 timeout=2", "given twice"),
        ('python exec raises="Unclosed match="x"', "cannot parse"),
        ("python exec=1", "'exec' must be a bare word"),
        ("python exec exit=two", "must be an exit status (an integer)"),
        ("python exec exit=1.5", "must be an exit status (an integer)"),
    ],
)
def test_malformed_directives_are_rejected(info, message):
    with pytest.raises(DirectiveError) as caught:
        parse(info)
    assert message in str(caught.value)
