#!/usr/bin/env bash
# The one documented command: run every benchmark and write docs/benchmarks.md. Extra args go to
# `python -m bench` (--quick, --only detection,insights, --json out.json).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d .venv ] && source .venv/bin/activate
pip install -q -r bench/requirements.txt
command -v hey >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq hey >/dev/null; } || echo "hey missing: section 7 will fail (apt-get install hey)" >&2
ulimit -n 20000 2>/dev/null || true
exec python -m bench "$@"
