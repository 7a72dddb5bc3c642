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

# npm records what it installed in node_modules/.package-lock.json; reinstall when the lock is newer.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || [ package.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund --loglevel=error
fi

npm test
npx zapier-platform validate --without-style
