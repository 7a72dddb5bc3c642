#!/usr/bin/env bash
# The Python distribution, tested outside the checkout: `python -m build` makes an sdist and a
# wheel; the wheel holds every file under connector/; installed with pip into a fresh venv (from
# a temporary directory), `connector demo` runs a round trip, `connector serve` (sandbox mode)
# serves /healthz and the bundled Swagger UI, and `connector backfill` processes a small CSV.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
PY="${PYTHON:-$root/.venv/bin/python}"
work="$(mktemp -d)"
serve_pid=""
cleanup() {
  [ -z "$serve_pid" ] || kill -TERM -- "-$serve_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { printf '[package] FAILED: %s\n' "$*" >&2; exit 1; }
say() { printf '[package %3ss] %s\n' "$SECONDS" "$*"; }

say "python -m build (sdist and wheel)"
"$PY" -m build --outdir "$work/dist" . >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log"; fail "python -m build failed"; }
wheel="$(ls "$work"/dist/*.whl)"; sdist="$(ls "$work"/dist/*.tar.gz)"
say "built $(basename "$wheel") and $(basename "$sdist")"

# every file of the package in the checkout is in the wheel (and in the sdist)
"$PY" - "$wheel" "$sdist" <<'PYCHECK' || fail "the distribution misses files of connector/"
import subprocess, sys, tarfile, zipfile
tracked = [p for p in subprocess.run(["git", "ls-files", "connector"], capture_output=True, text=True,
                                     check=True).stdout.split() if "__pycache__" not in p]
in_wheel = set(zipfile.ZipFile(sys.argv[1]).namelist())
in_sdist = {n.split("/", 1)[1] for n in tarfile.open(sys.argv[2]).getnames() if "/" in n}
missing = [p for p in tracked if p not in in_wheel] + [f"sdist:{p}" for p in tracked if p not in in_sdist]
if missing:
    print("\n".join(missing))
sys.exit(1 if missing else 0)
PYCHECK

say "fresh venv, pip install the wheel, run from $work/run (outside the checkout)"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel" 2>&1 | grep -v "^WARNING: Location" || true
"$work/venv/bin/python" -c "import connector" || fail "the wheel does not install"
mkdir "$work/run" && cd "$work/run"
env -u PYTHONPATH "$work/venv/bin/python" -c "import connector, sys; sys.exit(0 if connector.__file__.startswith('$work/venv') else 1)" \
  || fail "connector is imported from the checkout, not from the installed wheel"

say "connector demo"
env -u PYTHONPATH "$work/venv/bin/connector" demo >"$work/demo.out" 2>"$work/demo.err" || { cat "$work/demo.err"; fail "connector demo failed"; }
grep -q '"summary"' "$work/demo.out" && grep -q "CRM note" "$work/demo.out" || fail "connector demo printed no insights"

say "connector serve (sandbox mode): /healthz and Swagger UI"
port="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
env -u PYTHONPATH -u SYMBL_APP_ID -u SYMBL_BASE_URL CONNECTOR_API_KEYS=pkg-key CONNECTOR_STORE_URL="sqlite:///$work/run/c.db" \
  setsid "$work/venv/bin/connector" serve --host 127.0.0.1 --port "$port" --workers 1 >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS -o "$work/health.json" "http://127.0.0.1:$port/healthz" && grep -q '"sandbox"' "$work/health.json" || { cat "$work/serve.log"; fail "connector serve is not healthy"; }
curl -fsS -o "$work/swagger.html" "http://127.0.0.1:$port/docs/swagger" && grep -q "swagger-ui-bundle.js" "$work/swagger.html" || fail "no Swagger UI page"
curl -fsS -o "$work/bundle.js" "http://127.0.0.1:$port/docs/swagger/js/swagger-ui-bundle.js" \
  && [ "$(wc -c <"$work/bundle.js")" -gt 100000 ] || fail "the Swagger UI assets are not served from the installed packages"
kill -TERM -- "-$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=""

say "connector backfill (in-process facade on the sandbox)"
printf 'key,name,transcript\nk1,First,"Alice: Send the contract by Friday. Bob: I will."\n' >"$work/run/calls.csv"
env -u PYTHONPATH -u SYMBL_APP_ID CONNECTOR_STORE_URL="sqlite:///$work/run/b.db" SANDBOX_JOB_SECONDS=1 \
  "$work/venv/bin/connector" backfill "$work/run/calls.csv" >"$work/backfill.log" 2>&1 \
  || { tail -n 20 "$work/backfill.log"; fail "connector backfill failed"; }
grep -q "k1" "$work/run/calls.insights.csv" || fail "connector backfill wrote no insights row"
say "package test passed"
