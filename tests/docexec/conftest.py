"""Each test module ends the worker pools it started (two processes with torch each)."""

import pytest

from docexec.run import client


@pytest.fixture(autouse=True, scope="module")
def _close_pools():
    yield
    client.close_all()
