#!/usr/bin/env bash
# Install everything and run every test: the Python suite (facade, sandbox, store on SQLite and a
# real redis-server, Make blueprints), the Zapier app (jest + zapier-platform validate) and the n8n
# package (lint, build, unit tests, and a headless n8n run). Works on a fresh machine with Python
# 3.11, git and the package registries; CI runs exactly this (.ci/run).
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
step() { printf '\n==> %s\n' "$*"; }

step "Python environment (.venv)"
[ -x .venv/bin/python ] || python3 -m venv .venv || exit 1
# shellcheck disable=SC1091
. .venv/bin/activate
python -m pip install -q --disable-pip-version-check -e ".[test]" || exit 1
# The official Symbl SDK, for the sandbox fidelity test, without its streaming-only deps (pyaudio).
python -m pip install -q --disable-pip-version-check --no-deps symbl==2.0.6 symbl-rest==1.0.14 || exit 1

step "redis-server (Debian package) for the Redis store tests"
if ! command -v redis-server >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null || exit 1
fi

step "curl and jq (Debian packages) for the README quick-start test"
if ! command -v jq >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq curl jq >/dev/null || exit 1
fi

step "Node 24 for the connectors' tooling"
node_bin="$(bash scripts/node24.sh)" || exit 1
export PATH="$node_bin:$PATH"
export npm_config_nodedir="$(dirname "$node_bin")"
export DISABLE_ZAPIER_ANALYTICS=1

failed=()
step "lint and types (ruff check, ruff format --check, mypy)"
{ python -m ruff check . && python -m ruff format --check . && python -m mypy; } || failed+=("lint and types")

step "pytest"
python -m pytest -q -p no:cacheprovider || failed+=("pytest")
for suite in zapier_app n8n_nodes; do
  if [ -x "$suite/run-tests.sh" ]; then
    step "$suite"
    (cd "$root/$suite" && bash ./run-tests.sh) || failed+=("$suite")
  fi
done

step "deployment (deploy/): config checks, the packaged wheel, the container stack with podman"
bash deploy/check-config.sh || failed+=("deploy-config")
bash deploy/package-test.sh || failed+=("deploy-package")
bash deploy/stack-test.sh || failed+=("deploy-stack")

step "dependency audit (pip-audit)"
audit_out="$(python -m pip_audit --progress-spinner off --skip-editable 2>&1)"; audit_rc=$?
if echo "$audit_out" | grep -q "could not be audited"; then
  echo "pip-audit could not reach a vulnerability service from this machine; audit not performed."
elif [ "$audit_rc" = 0 ]; then
  echo "$audit_out" | tail -3
else
  echo "$audit_out"; failed+=("pip-audit")
fi

step "the run left the tree clean (git status --porcelain)"
if [ -d .git ] || git rev-parse --git-dir >/dev/null 2>&1; then
  dirty="$(git status --porcelain)"
  if [ -n "$dirty" ]; then
    echo "$dirty"; echo "the test run changed or created tracked/unignored files (above)"; failed+=("git-status")
  else
    echo "clean"
  fi
fi

step "summary"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all test suites passed"
