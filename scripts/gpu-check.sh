#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: run every snippet test on both devices, record every
# snippet's CUDA output (python -m docexec.cuda_records), check the records, and print one
# summary. Exits 0 only if no test failed, every snippet was recorded and no record is stale.
#
#   scripts/gpu-check.sh                      # from the repository root
#   PYTEST_ARGS="-n 8" scripts/gpu-check.sh   # extra pytest options (here: pytest-xdist)
#   PYTHON=/opt/torch/.venv/bin/python scripts/gpu-check.sh
#
# Without a CUDA device it says so and exits 2, before running anything.
# The logs of the three steps stay in $GPU_CHECK_LOGS (default build/gpu-check/).
#
#   scripts/gpu-check.sh --summarize TESTS.log RECORD.log CHECK.log
# prints the summary from three such logs (what the tests of this script use).
set -uo pipefail

# The summary, from the logs. Tests: pytest's last summary line ("5 failed, 353 passed,
# 2 skipped, 125 warnings in 28.95s"). Records: a "recorded <path>" line per snippet
# recorded and a "FAILED <path>" line per snippet that failed (each failure's message is
# repeated after a line "failed:" at the end). Stale and refused: a "stale: <path>" or
# "refused: <path>: <why>" line per record from --check.
summarize() {
    local tests_log=$1 record_log=$2 check_log=$3
    local line passed failed skipped errors made record_failed stale refused
    line=$(grep -E '[0-9]+ (passed|failed|skipped|errors?)\b' "$tests_log" | tail -n 1)
    count() { grep -oE "[0-9]+ $1\b" <<<"$line" | grep -oE '^[0-9]+' || echo 0; }
    passed=$(count passed)
    failed=$(count failed)
    skipped=$(count skipped)
    errors=$(( $(count error) + $(count errors) ))
    made=$(grep -cE '^recorded ' "$record_log")
    record_failed=$(grep -cE '^FAILED ' "$record_log")
    stale=$(grep -cE '^stale: ' "$check_log")
    refused=$(grep -cE '^refused: ' "$check_log")
    echo "gpu-check summary"
    echo "  snippet tests: $passed passed, $((failed + errors)) failed, $skipped skipped"
    echo "  CUDA records:  $made made, $record_failed failed, $stale stale, $refused refused"
    [[ -n $line && $((failed + errors + record_failed + stale + refused)) -eq 0 && $made -gt 0 ]]
}

if [[ ${1:-} == --summarize ]]; then
    summarize "$2" "$3" "$4"
    exit $?
fi

cd "$(dirname "$0")/.." || exit 2
if [[ -z ${PYTHON:-} ]]; then
    if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi

if ! "$PYTHON" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
    echo "gpu-check: no CUDA device: torch.cuda.is_available() is False for $PYTHON." >&2
    echo "gpu-check: run this on a machine with an NVIDIA GPU and a CUDA build of torch; nothing was run." >&2
    exit 2
fi
"$PYTHON" -c 'import torch; print(f"gpu-check: {torch.cuda.get_device_name(0)}, torch {torch.__version__}, CUDA {torch.version.cuda}")'

logs=${GPU_CHECK_LOGS:-build/gpu-check}
mkdir -p "$logs"

echo "gpu-check: 1/3 snippet tests on cpu and cuda (log: $logs/tests.log)"
# shellcheck disable=SC2086  # PYTEST_ARGS is a list of options
"$PYTHON" -m pytest tests/snippets -p no:cacheprovider --no-cov ${PYTEST_ARGS:-} 2>&1 | tee "$logs/tests.log"

echo "gpu-check: 2/3 recording every snippet on cuda (log: $logs/record.log)"
"$PYTHON" -m docexec.cuda_records 2>&1 | tee "$logs/record.log"

echo "gpu-check: 3/3 checking the records (log: $logs/check.log)"
"$PYTHON" -m docexec.cuda_records --check 2>&1 | tee "$logs/check.log"

echo
summarize "$logs/tests.log" "$logs/record.log" "$logs/check.log"
