"""Tenant fairness on `connector serve`: one key's waits cannot take every connection, the per-key
request limit holds across workers, and failed authentications are limited per address."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from connector.sandbox import SandboxConfig, create_sandbox_app
from tests.security.infra_helpers import API_KEY, OTHER_KEY, TRANSCRIPT, Sandbox, facade_process
from tests.servers import serve

pytestmark = pytest.mark.slow


@pytest.fixture
def slow_sandbox():
    with serve(
        create_sandbox_app(SandboxConfig(job_seconds=20.0, token_ttl_seconds=3600, max_concurrent_jobs=500))
    ) as url:
        yield Sandbox(url)


def _env(sandbox: Sandbox, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"SYMBL_BASE_URL": sandbox.url, "CONNECTOR_STORE_URL": f"sqlite:///{tmp_path}/connector.db", **extra}


def _fresh(method: str, url: str, key: str, **kwargs) -> requests.Response:
    """One request on its own connection (so successive ones spread over the workers)."""
    with requests.Session() as session:
        return session.request(method, url, headers={"Authorization": f"Bearer {key}", "Connection": "close"}, **kwargs)


def test_one_keys_waits_leave_room_for_another_key(slow_sandbox: Sandbox, tmp_path: Path):
    env = _env(
        slow_sandbox,
        tmp_path,
        CONNECTOR_WORKER_CONNECTIONS="40",
        CONNECTOR_RATE_LIMIT="100000/minute",
        CONNECTOR_MAX_WAIT_SECONDS="60",
    )
    with facade_process(env, workers=1) as (url, _proc), ThreadPoolExecutor(64) as pool:

        def submit_and_wait(_: int) -> int:
            return _fresh(
                "POST", f"{url}/v1/conversations", API_KEY, json={"transcript": TRANSCRIPT, "wait": 40}, timeout=90
            ).status_code

        waits = [pool.submit(submit_and_wait, n) for n in range(60)]
        time.sleep(3)  # A's waits are all open (or already answered 202)
        for _ in range(4):
            started = time.monotonic()
            me = _fresh("GET", f"{url}/v1/me", OTHER_KEY, timeout=10)
            assert me.status_code == 200, me.text
            assert time.monotonic() - started < 1.0
        statuses = [w.result(timeout=120) for w in waits]
    assert set(statuses) <= {200, 202}, statuses
    assert statuses.count(202) >= 40  # at most 20 (half of 40 connections) waited


def test_request_limit_holds_across_workers(slow_sandbox: Sandbox, tmp_path: Path):
    env = _env(slow_sandbox, tmp_path, CONNECTOR_RATE_LIMIT="10/minute")
    with facade_process(env, workers=2) as (url, _proc), ThreadPoolExecutor(40) as pool:
        # at once, on separate connections: both workers take some (each used to count its own)
        answers = list(pool.map(lambda _: _fresh("GET", f"{url}/v1/me", API_KEY, timeout=10), range(120)))
        other = _fresh("GET", f"{url}/v1/me", OTHER_KEY, timeout=10)
    assert [a.status_code for a in answers].count(200) == 10
    limited = [a for a in answers if a.status_code == 429]
    assert len(limited) == 110
    assert all(int(a.headers["Retry-After"]) >= 1 for a in limited)
    assert limited[0].json()["error"]["code"] == "rate_limited"
    assert other.status_code == 200  # another key has its own budget


def test_failed_authentications_are_limited_per_address(slow_sandbox: Sandbox, tmp_path: Path):
    env = _env(slow_sandbox, tmp_path, CONNECTOR_AUTH_FAILURE_LIMIT="5/minute", CONNECTOR_RATE_LIMIT="1000/minute")
    with facade_process(env, workers=2) as (url, _proc):
        guesses = [_fresh("GET", f"{url}/v1/me", f"guess-{n}", timeout=10) for n in range(15)]
        after = _fresh("GET", f"{url}/v1/me", API_KEY, timeout=10)
        public = requests.get(f"{url}/healthz", timeout=10)
    codes = [g.status_code for g in guesses]
    assert codes == [401] * 5 + [429] * 10, codes
    blocked = guesses[-1]
    assert blocked.json()["error"]["code"] == "too_many_failed_authentications"
    assert 1 <= int(blocked.headers["Retry-After"]) <= 60
    assert after.status_code == 429  # the address is blocked, whatever key it presents now
    assert public.status_code == 200
