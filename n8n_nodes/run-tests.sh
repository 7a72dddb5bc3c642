#!/usr/bin/env bash
# The n8n package's whole test run: install, strict lint, build, unit tests, then the end-to-end
# run (pinned n8n, headless, against a real connector in sandbox mode) and the contract check.
# Assumes the project's Python venv is active (`connector` on PATH). Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
export PATH="$(bash ../scripts/node24.sh):$PATH"
started=$(date +%s)
step() { echo; echo "=== $1 (t+$(( $(date +%s) - started )) s)"; }

if ! command -v connector >/dev/null; then
  echo "connector is not on PATH: activate the project's venv first (source ../.venv/bin/activate)" >&2
  exit 1
fi

# The pinned n8n (cached in ../.cache/n8n) installs in the background while the rest runs.
n8n_log="$(mktemp)"
node e2e/lib/n8n.mjs >"$n8n_log" 2>&1 &
n8n_pid=$!
trap 'kill "$n8n_pid" 2>/dev/null || true; rm -f "$n8n_log"' EXIT

# The run must leave the tree as it found it (CI checks `git status --porcelain`).
tree_before="$(git status --porcelain -- . ../.github/workflows/n8n-release.yml 2>/dev/null || true)"

step "npm ci (exactly the committed lock)"
npm ci --no-audit --no-fund --loglevel=error

step "release workflow schema (check-jsonschema, vendor.github-workflows)"
if ! command -v check-jsonschema >/dev/null; then
  echo "check-jsonschema is not on PATH: install the project's test extras (pip install -e '.[test]')" >&2
  exit 1
fi
check-jsonschema --builtin-schema vendor.github-workflows ../.github/workflows/n8n-release.yml

step "lint (n8n-node lint, strict)"
npm run --silent lint

step "build (n8n-node build)"
npm run --silent build >/dev/null

step "unit tests (jest)"
npx jest --ci

step "waiting for the cached n8n install"
if ! wait "$n8n_pid"; then
  cat "$n8n_log" >&2
  echo "installing the pinned n8n failed" >&2
  exit 1
fi
cat "$n8n_log"

step "end-to-end (n8n headless + connector sandbox) and contract check"
npm run --silent test:e2e

step "the run left the tree unchanged"
tree_after="$(git status --porcelain -- . ../.github/workflows/n8n-release.yml 2>/dev/null || true)"
if [ "$tree_before" != "$tree_after" ]; then
  echo "the test run changed tracked or untracked files:" >&2
  diff <(echo "$tree_before") <(echo "$tree_after") >&2 || true
  exit 1
fi

step "all n8n_nodes tests passed in $(( $(date +%s) - started )) s"
