"""Fixtures shared by the snippet tests of the compile and custom-operator pages."""

from pathlib import Path

import pytest
import torch


@pytest.fixture
def fresh_dynamo():
    """Every snippet compiles its own functions; start and end with empty Dynamo caches."""
    torch._dynamo.reset()
    yield
    torch._dynamo.reset()
    assert torch._dynamo.config.compiled_autograd is False, "a snippet left compiled autograd on"


@pytest.fixture
def snippet_globals():
    """The globals of a snippet that raised, taken from its frame in the traceback."""

    def find(excinfo, name):
        (frame,) = [e.frame for e in excinfo.traceback if Path(e.path).name == name and e.frame.code.name == "<module>"]
        return frame.f_globals

    return find
