"""The production server as users run it (`connector serve`, gunicorn + gevent), killed and
restarted, and two instances sharing one Redis. Symbl is a real sandbox server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from connector.jobs.signing import verify
from connector.sandbox import SandboxConfig, create_sandbox_app
from tests.api.test_submit_and_wait import TRANSCRIPT
from tests.conftest import API_KEY, Api, Sandbox, eventually
from tests.processes import kill, serve_process
from tests.receiver import receiver
from tests.servers import serve
from tests.store.conftest import RedisServer, free_port

pytestmark = pytest.mark.slow


@contextmanager
def facade_process(env: dict[str, str], port: int | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """`connector serve` with one worker and this environment plus ``env``; yields (url, process)."""
    full_env = {**os.environ, "CONNECTOR_API_KEYS": API_KEY, "CONNECTOR_WORKERS": "1", "CONNECTOR_LOG_LEVEL": "WARNING"}
    with serve_process({**full_env, **env}, port=port) as started:
        yield started


@pytest.fixture
def own_sandbox() -> Iterator[Sandbox]:
    """A sandbox of this test alone (its counters start at zero)."""
    with serve(create_sandbox_app(SandboxConfig(job_seconds=3.0))) as url:
        yield Sandbox(url)


def test_sigkill_with_jobs_in_flight_loses_nothing(own_sandbox: Sandbox, tmp_path: Path):
    env = {
        "SYMBL_BASE_URL": own_sandbox.url,
        "CONNECTOR_STORE_URL": f"sqlite:///{tmp_path}/c.db",
        "CONNECTOR_CALLBACK_ALLOWLIST": "127.0.0.1",
        "CONNECTOR_CALLBACK_SECRET": "s3cret",
    }
    with receiver() as got:
        with facade_process(env) as (url, proc):
            accepted = Api(url).submit(
                {"transcript": TRANSCRIPT, "wait": 0, "callback_url": got.url, "name": "killed mid-job"}
            )
            assert accepted.status_code == 202
            kill(proc)  # SIGKILL: no shutdown code runs
        ids = accepted.json()
        time.sleep(3.5)  # the job completes at Symbl while the facade is down
        assert got.bodies == []
        with facade_process(env) as (url, _):
            api = Api(url)
            job = api.job(ids["job_id"], wait=20).json()
            assert job["status"] == "completed"
            listed = api.get("/v1/conversations", params={"name": "killed"}).json()["conversations"]
            assert [c["job_id"] for c in listed] == [ids["job_id"]]
            eventually(lambda: got.bodies, timeout=20)
            body = got.bodies[0]
            assert verify(body, "s3cret", got.headers[0]["X-Connector-Signature"])
            assert json.loads(body)["conversation_id"] == ids["conversation_id"]


def test_two_instances_on_one_redis_share_webhooks_and_one_token(own_sandbox: Sandbox, tmp_path: Path):
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    try:
        port_b = free_port()
        common = {
            "SYMBL_BASE_URL": own_sandbox.url,
            "CONNECTOR_STORE_URL": redis.url,
            "CONNECTOR_PUBLIC_URL": f"http://127.0.0.1:{port_b}",  # Symbl's webhooks reach instance B only
            "CONNECTOR_POLL_MIN_SECONDS": "120",  # so only a webhook can finish the wait in time
        }
        own_sandbox.configure(job_seconds=2.0)
        with facade_process(common, port_b) as (url_b, _), facade_process(common) as (url_a, _):
            a = Api(url_a)
            accepted = a.submit({"transcript": TRANSCRIPT, "wait": 0})
            assert accepted.status_code == 202, accepted.text
            job = a.job(accepted.json()["job_id"], wait=30).json()
            assert job["status"] == "completed"  # woken by the webhook instance B received
            assert Api(url_b).job(job["job_id"]).json()["status"] == "completed"
            assert own_sandbox.stats()["webhooks_sent"] >= 1
            assert Api(url_b).submit({"transcript": TRANSCRIPT, "wait": 0}).status_code == 202
        assert own_sandbox.stats()["token_generations"] == 1
    finally:
        redis.stop()


def test_serve_in_sandbox_mode_prints_a_key_and_says_sandbox(tmp_path: Path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SYMBL_", "CONNECTOR_"))}
    env.update({"CONNECTOR_STORE_URL": f"sqlite:///{tmp_path}/c.db", "SANDBOX_JOB_SECONDS": "0.5"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "connector.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        key = ""
        for line in proc.stderr:  # type: ignore[union-attr]
            if line.strip().startswith("sk_sandbox_"):
                key = line.strip()
                break
        assert key
        url = f"http://127.0.0.1:{port}"
        eventually(lambda: _ok(f"{url}/healthz"), timeout=30, step=0.1)
        assert requests.get(f"{url}/healthz", timeout=5).json()["mode"] == "sandbox"
        me = requests.get(f"{url}/v1/me", headers={"Authorization": f"Bearer {key}"}, timeout=5).json()
        assert me["mode"] == "sandbox"
        flat = requests.post(
            f"{url}/v1/conversations",
            headers={"Authorization": f"Bearer {key}"},
            json={"transcript": TRANSCRIPT, "wait": 20},
            timeout=30,
        )
        assert flat.status_code == 200 and flat.json()["summary"]
    finally:
        kill(proc, signal.SIGTERM)


def test_live_mode_refuses_to_start_without_keys(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SYMBL_", "CONNECTOR_"))}
    env.update(
        {"SYMBL_APP_ID": "app", "SYMBL_APP_SECRET": "secret", "CONNECTOR_STORE_URL": f"sqlite:///{tmp_path}/c.db"}
    )
    done = subprocess.run(
        [sys.executable, "-m", "connector.cli", "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "CONNECTOR_API_KEYS is required" in done.stderr
    assert "secret" not in done.stderr.replace("SYMBL_APP_SECRET", "")


def _ok(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False
