#!/usr/bin/env bash
# docexec's own line coverage, at least 90% (README, "Quick start"). It is measured in
# every process docexec starts: the tests' MkDocs builds, the workers and the forks that
# become the programs (coverage's subprocess, fork and os._exit patches, configured in
# docexec_coverage.toml). That tracing would slow the whole suite, so only the tests of
# docexec itself run again here: about 3 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
rc=tests/docexec_coverage.toml
rm -rf .cache/coverage
.venv/bin/coverage run --rcfile=$rc -m pytest --no-cov -q -p no:cacheprovider \
  tests/docexec tests/fidelity tests/test_serve.py tests/test_scaffold.py
.venv/bin/coverage combine --rcfile=$rc -q
.venv/bin/coverage report --rcfile=$rc
