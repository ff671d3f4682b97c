#!/usr/bin/env bash
# The project's test command (`npm test`): build the bundle, type-check, run the whole vitest suite
# against a private keyring, and end with one line `N passed, N failed[, N skipped]` read from
# vitest's JSON results. Exits non-zero when anything failed.
#
# Works from `npm test` and from `bash scripts/test.sh`: Node 24 and the tools come from node_modules.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export PATH="$repo/node_modules/.bin:$PATH"

results_dir="$repo/.test-results"
results="$results_dir/vitest.json"
mkdir -p "$results_dir"
rm -f "$results"

failed_steps=()

step() {
  local name=$1
  shift
  local start=$SECONDS
  echo "== $name: $*"
  if "$@"; then
    echo "== $name: ok ($((SECONDS - start)) s)"
  else
    echo "== $name: FAILED ($((SECONDS - start)) s)"
    failed_steps+=("$name")
  fi
}

echo "node $(node --version) from $(command -v node)"

# A failed build or type-check does not stop the run: the tests still say what works.
step build npm run --silent build
step typecheck tsc --noEmit -p .

start=$SECONDS
echo "== tests: vitest run (private keyring)"
bash "$repo/scripts/with-keyring.sh" vitest run --reporter=default --reporter=json --outputFile.json="$results"
vitest_exit=$?
echo "== tests: vitest exited $vitest_exit ($((SECONDS - start)) s)"

summary_args=("$results" --vitest-exit "$vitest_exit")
for s in "${failed_steps[@]}"; do summary_args+=(--failed-step "$s"); done
node "$repo/scripts/summary.mjs" "${summary_args[@]}"
