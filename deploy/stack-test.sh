#!/usr/bin/env bash
# The deployment, tested for real with podman (no image registry needed):
#  1. builds the facade image from ./Dockerfile on a local Debian base (mmdebstrap), and stand-ins
#     for the Redis and Caddy images compose.yaml names (Debian's redis-server and caddy, tagged
#     with the same names; nothing is pulled);
#  2. starts compose.yaml (+ deploy/compose.test.yaml: a sandbox service and a callback receiver)
#     with Caddy on https://localhost:<free port> (its internal CA);
#  3. over HTTPS (--cacert): submit-and-wait, insights, a callback delivered to the receiver;
#  4. restarts the facade container mid-job: the job completes and its callback arrives (Redis);
#  5. the facade runs as non-root and its health check reports healthy;
#  6. tears everything down, whatever happened.
# Needs root (or sudo) on Debian/Ubuntu with apt, PyPI and Debian mirrors reachable; run by
# scripts/test-all.sh. Fails loudly (never skips) when containers cannot run here.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
PY="${PYTHON:-$root/.venv/bin/python}"
PROJECT="symbl-stack-test-$$"   # one per run: runs from several checkouts may share podman's storage
BASE_IMAGE="${STACK_BASE_IMAGE:-localhost/debian-py:bookworm}"   # made here with mmdebstrap when missing
IMAGE="localhost/symbl-connector:latest"
KEY="stack-test-key"
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export HTTPS_PORT="${STACK_HTTPS_PORT:-$(free_port)}" HTTP_PORT="${STACK_HTTP_PORT:-$(free_port)}"
export DOMAIN=localhost CONNECTOR_API_KEYS="$KEY" CONNECTOR_IMAGE="$IMAGE" CONNECTOR_CALLBACK_SECRET=stack-test-secret
export CONTAINERS_CONF="$root/deploy/containers.conf" BUILDAH_FORMAT=docker   # docker format keeps HEALTHCHECK
URL="https://localhost:$HTTPS_PORT"
work="$(mktemp -d)"
t0=$SECONDS
say() { printf '[stack %3ss] %s\n' "$((SECONDS - t0))" "$*"; }
fail() { printf '[stack] FAILED: %s\n' "$*" >&2; exit 1; }
stack_started=0
teardown() {
  rc=$?
  if [ "$rc" != 0 ] && [ "$stack_started" = 1 ]; then
    echo "--- container logs (last lines) ---" >&2
    for c in $(podman ps -a --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}}'); do
      echo "## $c" >&2; podman logs --tail 15 "$c" 2>&1 | grep -v "systemd connection" >&2 || true
    done
  fi
  if [ "$stack_started" = 1 ]; then
    say "teardown"
    ids="$(podman ps -aq --filter "label=com.docker.compose.project=$PROJECT")"
    # --depend: dependents first (depends_on), -v: their anonymous volumes too
    [ -z "$ids" ] || podman rm -f -v --depend -t 5 $ids >/dev/null 2>&1 || true
    compose down -v -t 5 >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

# -- tools --------------------------------------------------------------------------------------
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
need=()
for tool in podman mmdebstrap runc curl; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || need+=(debian-archive-keyring)   # Ubuntu hosts
if [ ${#need[@]} -gt 0 ]; then
  say "installing podman and friends (apt)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    podman buildah fuse-overlayfs uidmap slirp4netns crun runc netavark aardvark-dns catatonit conmon \
    containers-storage iptables mmdebstrap debian-archive-keyring curl >/dev/null || fail "could not install podman with apt-get"
fi
"$PY" -m podman_compose version >/dev/null 2>&1 || "$PY" -m pip install -q podman-compose check-jsonschema \
  || fail "could not pip install podman-compose"
compose() { "$PY" -m podman_compose -p "$PROJECT" -f compose.yaml -f deploy/compose.test.yaml "$@"; }
podman info >/dev/null 2>&1 || fail "podman cannot run on this machine: $(podman info 2>&1 | tail -n 3)"

# -- images ---------------------------------------------------------------------------------------
if ! podman image exists "$BASE_IMAGE"; then
  say "building the base image $BASE_IMAGE (mmdebstrap, once per machine)"
  $SUDO mmdebstrap --quiet --variant=minbase --include=python3,python3-venv,ca-certificates \
    --customize-hook='copy-in /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/' \
    bookworm "$work/rootfs.tar" \
    "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian-security bookworm-security main" || fail "mmdebstrap failed"
  podman import -q --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' "$work/rootfs.tar" "$BASE_IMAGE" >/dev/null
  rm -f "$work/rootfs.tar"
fi
say "wheels on the host (the image build needs no network)"
find deploy/wheelhouse -name '*.whl' -delete
# async-timeout: redis needs it on Python < 3.11.3 (Debian's 3.11.2), not on the host's Python
"$PY" -m pip wheel -q --disable-pip-version-check -w deploy/wheelhouse . setuptools "async-timeout>=4.0.3" \
  2>&1 | grep -v "^WARNING: Location" || true
ls deploy/wheelhouse/symbl_connector-*.whl >/dev/null 2>&1 || fail "pip wheel did not build the project's wheel"
say "podman build (Dockerfile)"
previous="$(podman image inspect "$IMAGE" --format '{{.Id}}' 2>/dev/null || true)"
# --layers=false: no intermediate images of the build stage are kept (the build is short anyway)
podman build -q --layers=false --pull=never --format docker --build-arg BASE="$BASE_IMAGE" --build-arg PIP_OPTIONS=--no-index \
  -t "$IMAGE" . >/dev/null || fail "the image does not build"
[ -z "$previous" ] || [ "$previous" = "$(podman image inspect "$IMAGE" --format '{{.Id}}')" ] \
  || podman rmi "$previous" >/dev/null 2>&1 || true   # the previous run's image, now untagged
for standin in redis:7.4 caddy:2.8; do
  name="docker.io/library/$standin"
  grep -q "image: $name\$" compose.yaml || fail "compose.yaml no longer names $name: update deploy/stack-test.sh"
  podman image exists "$name" || podman build -q --pull=never --build-arg BASE="$BASE_IMAGE" \
    -f "deploy/standins/${standin%%:*}.Containerfile" -t "$name" deploy/standins >/dev/null \
    || fail "stand-in $name does not build"
done
say "image size: $(podman image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}')" \
  "(base $(podman image inspect "$BASE_IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}'))"

# -- the stack --------------------------------------------------------------------------------
# containers of earlier runs killed before their teardown (their script's process is gone)
for stale in $(podman ps -a --format '{{index .Labels "com.docker.compose.project"}}' | grep '^symbl-stack-test-' | sort -u); do
  kill -0 "${stale##*-}" 2>/dev/null && continue
  podman rm -f -v --depend -t 2 $(podman ps -aq --filter "label=com.docker.compose.project=$stale") >/dev/null 2>&1 || true
  podman network rm -f "${stale}_default" >/dev/null 2>&1 || true
  for vol in facade-data redis-data caddy-data caddy-config; do podman volume rm -f "${stale}_$vol" >/dev/null 2>&1 || true; done
done
say "compose up"
stack_started=1
compose up -d >"$work/up.log" 2>&1 || { cat "$work/up.log"; fail "compose up failed"; }
cname() { podman ps -a --filter "label=com.docker.compose.project=$PROJECT" \
            --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -n 1; }
facade="$(cname facade)"; caddy="$(cname caddy)"; receiver="$(cname receiver)"
[ -n "$facade" ] && [ -n "$caddy" ] && [ -n "$receiver" ] || fail "compose did not create the containers"

cacert="$work/root.crt"
for _ in $(seq 1 60); do
  podman exec "$caddy" cat /data/caddy/pki/authorities/local/root.crt >"$cacert" 2>/dev/null && \
    curl -fsS --cacert "$cacert" "$URL/healthz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS --cacert "$cacert" "$URL/healthz" >/dev/null || fail "no HTTPS answer from Caddy at $URL/healthz"
say "HTTPS up: $(curl -sS --cacert "$cacert" "$URL/healthz")"

api() {  # api METHOD PATH [JSON] -> body in $work/body, status in $status
  local args=(-sS --cacert "$cacert" -o "$work/body" -w '%{http_code}' -X "$1" "$URL$2" -H "Authorization: Bearer $KEY")
  [ $# -ge 3 ] && args+=(-H "Content-Type: application/json" -d "$3")
  status="$(curl "${args[@]}")"
}
field() { "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))$1)" "$work/body"; }
callback_for() {  # wait until the receiver logged a completed callback for conversation $1
  for _ in $(seq 1 "${2:-60}"); do
    podman logs "$receiver" 2>/dev/null | grep "^CALLBACK " | grep -q "\"conversation_id\": \"$1\".*\"summary\": true" \
      && return 0
    sleep 1
  done
  return 1
}
TRANSCRIPT='Alice: What is the price of the enterprise plan?\nBob: 40 dollars per seat. I will send the contract by Friday.'

say "3. submit-and-wait over HTTPS, with a callback to the receiver"
api POST /v1/conversations "{\"name\": \"Stack test\", \"wait\": 60, \"transcript\": \"$TRANSCRIPT\", \"callback_url\": \"http://receiver:9000/cb\"}"
[ "$status" = 200 ] || fail "submit-and-wait answered $status: $(cat "$work/body")"
conv="$(field '["conversation_id"]')"
[ -n "$(field '["summary"]')" ] || fail "no summary in the flat insights"
api GET "/v1/conversations/$conv/insights"
[ "$status" = 200 ] && [ "$(field '["conversation_id"]')" = "$conv" ] || fail "insights answered $status"
callback_for "$conv" || fail "the callback for $conv did not reach the receiver"
say "   200 with insights for $conv; GET insights 200; callback delivered"

say "4. restart the facade container mid-job"
api POST /v1/conversations "{\"name\": \"Survives a restart\", \"wait\": 0, \"transcript\": \"$TRANSCRIPT\", \"callback_url\": \"http://receiver:9000/cb\"}"
[ "$status" = 202 ] || fail "a wait=0 submit answered $status"
conv2="$(field '["conversation_id"]')"; job2="$(field '["job_id"]')"
api GET "/v1/jobs/$job2"
case "$(field '["status"]')" in scheduled|in_progress) ;; *) fail "the job is not in flight before the restart";; esac
podman restart -t 40 "$facade" 2>&1 >/dev/null | grep -v "systemd connection" >&2 || true
[ "$(podman inspect "$facade" --format '{{.State.Running}}')" = true ] || fail "the facade did not come back after a restart"
say "   restarted; waiting for the job to finish"
for _ in $(seq 1 60); do
  api GET "/v1/conversations/$conv2/insights?wait=20"
  [ "$status" = 200 ] && break
  sleep 1
done
[ "$status" = 200 ] || fail "the job did not complete after the restart ($status: $(cat "$work/body"))"
callback_for "$conv2" 90 || fail "the callback for $conv2 did not arrive after the restart"
say "   job $conv2 completed after the restart and its callback arrived"

say "5. non-root and healthy"
uid="$(podman exec "$facade" id -u)"
[ "$uid" != 0 ] || fail "the facade runs as root"
health="$(podman healthcheck run "$facade" 2>/dev/null)" || fail "the facade's health check failed: $health"
[ "$health" = healthy ] || [ -z "$health" ] || fail "the facade's health check says: $health"
state="$(podman inspect "$facade" --format '{{.State.Health.Status}}' 2>/dev/null || podman inspect "$facade" --format '{{.State.Healthcheck.Status}}')"
[ "$state" = healthy ] || fail "the facade's health status is '$state', not healthy"
say "   uid $uid, health check healthy"
say "stack test passed"
