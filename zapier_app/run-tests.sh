#!/usr/bin/env bash
# The Zapier app's whole check: jest (against a sandbox facade that the jest globalSetup
# starts with `connector serve`) and `zapier-platform validate --without-style`.
# Assumes the Python venv is active (so `connector` is on PATH). Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

node_bin="$(bash ../scripts/node24.sh)"
export PATH="$node_bin:$PATH"
export npm_config_nodedir="$(dirname "$node_bin")"
export DISABLE_ZAPIER_ANALYTICS=1
unset LOGGING_TOKEN

command -v connector >/dev/null || { echo "run-tests.sh: 'connector' is not on PATH; activate the venv first" >&2; exit 1; }

# The run must leave the worktree as it found it (CI checks `git status --porcelain`).
status_before="$(git status --porcelain -- . 2>/dev/null || true)"

# npm ci: exactly the committed lock (fails if package.json and the lock disagree).
npm ci --no-audit --no-fund --loglevel=error

npm test
npx zapier-platform validate --without-style

status_after="$(git status --porcelain -- . 2>/dev/null || true)"
if [ "$status_before" != "$status_after" ]; then
  echo "run-tests.sh: the test run changed files in zapier_app/ (git status --porcelain):" >&2
  diff <(echo "$status_before") <(echo "$status_after") >&2 || true
  exit 1
fi
