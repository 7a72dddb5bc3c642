"""Callers' own Symbl credentials on `connector serve` with 2 workers: a job finishes within its
duration plus a few seconds whichever worker polls it (Symbl webhooks included), and after a restart
of the whole server; the app secret is never in the store in plain text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from connector.sandbox import SandboxConfig, create_sandbox_app
from tests.security.infra_helpers import API_KEY, TRANSCRIPT, Sandbox, facade_process
from tests.servers import serve
from tests.store.conftest import free_port

pytestmark = pytest.mark.slow

JOB_SECONDS = 5.0
CREDENTIALS = {f"own-app-{n}": f"own-secret-{n}-7d1f0c2b9a" for n in range(4)}


@pytest.fixture
def sandbox():
    config = SandboxConfig(job_seconds=JOB_SECONDS, token_ttl_seconds=3600, extra_credentials=CREDENTIALS)
    with serve(create_sandbox_app(config)) as url:
        yield Sandbox(url)


def _headers(app_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {API_KEY}", "X-Symbl-App-Id": app_id, "X-Symbl-App-Secret": CREDENTIALS[app_id]}


def test_a_new_own_credential_finishes_on_time_on_two_workers(sandbox: Sandbox, tmp_path: Path):
    port = free_port()
    env = {
        "SYMBL_BASE_URL": sandbox.url,
        "CONNECTOR_STORE_URL": f"sqlite:///{tmp_path}/connector.db",
        "CONNECTOR_PUBLIC_URL": f"http://127.0.0.1:{port}",  # Symbl's webhooks reach either worker
        "CONNECTOR_POLL_MIN_SECONDS": "1",
    }
    with facade_process(env, workers=2, port=port) as (url, _proc):
        for app_id in list(CREDENTIALS)[:3]:  # several tries, each with a credential new to both workers
            started = time.monotonic()
            answer = requests.post(
                f"{url}/v1/conversations",
                json={"transcript": TRANSCRIPT, "wait": 30},
                headers={**_headers(app_id), "Connection": "close"},
                timeout=60,
            )
            took = time.monotonic() - started
            assert answer.status_code == 200, (app_id, answer.status_code, answer.text[:300])
            assert took < JOB_SECONDS + 5, (app_id, took)


def test_own_credential_jobs_finish_after_a_restart(sandbox: Sandbox, tmp_path: Path):
    env = {"SYMBL_BASE_URL": sandbox.url, "CONNECTOR_STORE_URL": f"sqlite:///{tmp_path}/connector.db"}
    app_id = list(CREDENTIALS)[3]
    with facade_process(env, workers=2) as (url, _proc):
        answer = requests.post(
            f"{url}/v1/conversations", json={"transcript": TRANSCRIPT, "wait": 0}, headers=_headers(app_id), timeout=30
        )
        assert answer.status_code == 202, answer.text
        job_id = answer.json()["job_id"]
    submitted = time.monotonic()
    with facade_process(env, workers=2) as (url, _proc):  # nobody has the credential in memory now
        job = requests.get(
            f"{url}/v1/jobs/{job_id}", params={"wait": 30}, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=60
        )
        assert job.json()["status"] == "completed", job.text
        assert time.monotonic() - submitted < JOB_SECONDS + 10
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("connector.db*"))
    assert CREDENTIALS[app_id].encode() not in raw
