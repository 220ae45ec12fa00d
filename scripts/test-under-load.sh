#!/usr/bin/env bash
# Runs the README's test command while CPU-bound processes compete for the cores, to prove that no
# test verdict depends on a quiet machine. Usage: scripts/test-under-load.sh [burners] [limit-seconds]
# (defaults: 2 burners, 45 minutes). Each burner spins for at most the limit; all are killed on exit.
# Exits with the test command's status (124 when the limit was reached).
set -euo pipefail
cd "$(dirname "$0")/.."
burners="${1:-2}"
limit="${2:-2700}"
marker="isolane-load-burner-$$"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq "$burners"); do
  # argv carries a unique marker so a leftover burner is easy to find (and none should be left).
  node -e "const end = Date.now() + ${limit} * 1000; while (Date.now() < end) {}" "$marker" &
  pids+=("$!")
done
echo "test-under-load: ${burners} CPU burners running (${marker}), limit ${limit} s"
start=$SECONDS
set +e
timeout --kill-after=30 "$limit" pnpm test "${@:3}"
status=$?
set -e
echo "test-under-load: test command exited with ${status} after $((SECONDS - start)) s under load"
exit "$status"
