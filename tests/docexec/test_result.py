"""docexec.run.result: what one run gave, sent by the worker as JSON and read back by the
client and the cache."""

import json

from docexec.run.result import RaisedError, RunResult


def test_a_result_survives_json_both_ways():
    result = RunResult(
        output="before\nTraceback ...\n", status=1, started=1.5, finished=True,
        error=RaisedError("GradcheckError", "torch.autograd.gradcheck", "Jacobian mismatch", 7),
        duration=0.25, figures=("<svg/>",), reads=("/p/data.txt",), peak={"rss_bytes": 4096}, size=20,
    )
    assert RunResult.from_json(json.loads(json.dumps(result.to_json()))) == result


def test_a_result_without_error_figures_or_reads_survives_json():
    result = RunResult(output="", status=-9, started=0.0)
    data = json.loads(json.dumps(result.to_json()))
    assert data["error"] is None and data["figures"] == [] and data["reads"] == []
    assert RunResult.from_json(data) == result


def test_stopped_means_killed_by_the_executor():
    assert not RunResult("", 0, 0.0, finished=True).stopped
    assert not RunResult("", -11, 0.0).stopped  # a crash is the program's own doing
    assert RunResult("", -9, 0.0, timeout=3.0).stopped
    assert RunResult("", -9, 0.0, limit=1000, size=2000).stopped
