#!/usr/bin/env bash
# Install the facade into .venv and start it (port 8000, or PORT, or --port). Without SYMBL_APP_ID
# it runs on the embedded Symbl sandbox and prints the sandbox API key (generated once, kept in
# data/sandbox-api-key, the same at every start), so you can curl it at once. Extra arguments go
# to `connector serve` (e.g. --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
. .venv/bin/activate
python -m pip install -q --disable-pip-version-check -e .
exec connector serve "$@"
