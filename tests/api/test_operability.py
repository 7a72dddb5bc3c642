"""Operability and security: request IDs, metrics, rate limits, secrets kept out of logs and
answers, Symbl webhooks lost/duplicated/out of order, and the store going away and coming back."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from connector.app import create_app, describe
from connector.config import Settings
from connector.logs import JsonFormatter
from connector.sandbox import SandboxConfig, create_sandbox_app
from tests.api.test_submit_and_wait import TRANSCRIPT
from tests.conftest import API_KEY, Api, eventually
from tests.servers import serve
from tests.store.conftest import RedisServer

TENANT_ID = "tenant-app-id"
TENANT_SECRET = "tenant-app-secret-DO-NOT-LEAK"


def test_request_id_is_returned_and_generated(api):
    answer = api.get("/v1/me", headers={**api.headers(), "X-Request-Id": "zap-run-42"})
    assert answer.headers["X-Request-Id"] == "zap-run-42"
    generated = api.get("/v1/me", headers={**api.headers(), "X-Request-Id": "not valid!"}).headers["X-Request-Id"]
    assert generated and generated != "not valid!"


def test_security_headers(api):
    headers = api.get("/v1/me").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in headers["Content-Security-Policy"]


@pytest.mark.slow
def test_metrics_count_requests_upstream_calls_and_tokens(api, facade_url):
    assert api.submit({"transcript": TRANSCRIPT, "wait": 20}).status_code == 200
    text = requests.get(f"{facade_url}/metrics", timeout=10).text
    assert 'connector_requests_total{endpoint="/v1/conversations",method="POST",status="200"}' in text
    assert 'connector_symbl_calls_total{endpoint="/v1/process/text",status="201"}' in text
    assert 'connector_symbl_calls_total{endpoint="/v1/conversations/{id}/messages",status="200"}' in text
    assert "connector_symbl_token_generations_total" in text
    assert "connector_waits_in_flight" in text
    assert 'connector_outbox_events{status="pending"}' in text or "connector_outbox_events" in text


@contextmanager
def rate_limited_client(sandbox, tmp_path, limit: str) -> Iterator[Any]:
    """A facade test client whose per-key rate limit is ``limit``."""
    settings = Settings(
        SYMBL_BASE_URL=sandbox.url,
        CONNECTOR_API_KEYS=API_KEY,  # type: ignore[call-arg]
        CONNECTOR_STORE_URL=f"sqlite:///{tmp_path}/c.db",
        CONNECTOR_RATE_LIMIT=limit,
        CONNECTOR_LOG_LEVEL="WARNING",
    )
    app = create_app(settings)
    try:
        yield app.test_client()
    finally:
        describe(app).close()


def test_rate_limit_answers_429_with_retry_after(sandbox, tmp_path):
    with rate_limited_client(sandbox, tmp_path, "3/minute") as client:
        headers = {"Authorization": f"Bearer {API_KEY}"}
        codes = [client.get("/v1/me", headers=headers).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/v1/me", headers=headers)
        assert limited.get_json()["error"]["code"] == "rate_limited"
        assert 0 < int(limited.headers["Retry-After"]) <= 61  # the 1-minute window
        assert limited.headers["X-RateLimit-Limit"] == "3" and limited.headers["X-RateLimit-Remaining"] == "0"
        assert client.get("/healthz").status_code == 200  # operations are not limited


@pytest.mark.slow
def test_rate_limit_headers_leave_the_facades_own_retry_after_alone(sandbox, tmp_path):
    """A 202's Retry-After (when to poll again) and symbl_rate_limited's are the facade's, not the limiter's."""
    with rate_limited_client(sandbox, tmp_path, "100/hour") as client:
        headers = {"Authorization": f"Bearer {API_KEY}"}
        me = client.get("/v1/me", headers=headers)
        assert me.status_code == 200 and "Retry-After" not in me.headers
        assert me.headers["X-RateLimit-Limit"] == "100" and me.headers["X-RateLimit-Remaining"] == "99"
        accepted = client.post("/v1/conversations", json={"transcript": TRANSCRIPT, "wait": 0}, headers=headers)
        assert accepted.status_code == 202 and accepted.headers["Retry-After"] == "5"
        sandbox.faults({"method": "POST", "path": "/v1/process/*", "status": 429, "times": None})
        limited = client.post("/v1/conversations", json={"transcript": TRANSCRIPT, "wait": 0}, headers=headers)
        assert limited.get_json()["error"]["code"] == "symbl_rate_limited"
        assert limited.headers["Retry-After"] == "30"


@pytest.mark.slow
def test_secrets_never_reach_logs_or_answers(tmp_path):
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("connector")
    sandbox_app = create_sandbox_app(SandboxConfig(job_seconds=0.3, extra_credentials={TENANT_ID: TENANT_SECRET}))
    with serve(sandbox_app) as sandbox_url:
        settings = Settings(
            SYMBL_BASE_URL=sandbox_url,
            CONNECTOR_API_KEYS=API_KEY,  # type: ignore[call-arg]
            CONNECTOR_STORE_URL=f"sqlite:///{tmp_path}/c.db",
            CONNECTOR_LOG_LEVEL="DEBUG",
        )
        app = create_app(settings)
        logger.addHandler(handler)
        try:
            with serve(app) as url:
                api = Api(url)
                tenant = {"X-Symbl-App-Id": TENANT_ID, "X-Symbl-App-Secret": TENANT_SECRET}
                bodies = [
                    api.submit({"transcript": TRANSCRIPT, "wait": 20}, headers=tenant).text,
                    api.get("/v1/me", headers={**api.headers(), **tenant}).text,
                    api.submit(
                        {"transcript": TRANSCRIPT, "wait": 20},
                        headers={"X-Symbl-App-Id": TENANT_ID, "X-Symbl-App-Secret": "wrong"},
                    ).text,
                    requests.get(f"{url}/v1/me", headers={"Authorization": "Bearer wrong-key"}, timeout=5).text,
                ]
                token = describe(app).store.kv_get(
                    f"token:{describe(app).client.tokens(describe(app).default_credential)._credential.id}"
                )
        finally:
            logger.removeHandler(handler)
            describe(app).close()
    logs = captured.getvalue()
    assert "symbl token generated" in logs  # the logs did capture the flow
    for secret in (TENANT_SECRET, API_KEY, "sandbox-app-secret"):
        assert secret not in logs, secret
        assert all(secret not in body for body in bodies), secret
    if token:
        import json

        assert json.loads(token)["token"] not in logs


@pytest.mark.slow
def test_webhooks_duplicated_out_of_order_or_unknown(api, app, facade_url, sandbox):
    sandbox.configure(job_seconds=1.0)
    accepted = api.submit({"transcript": TRANSCRIPT, "wait": 0}).json()
    secret = describe(app).webhook_secret()
    hook = f"{facade_url}/v1/symbl/webhook/{secret}"
    for body in (
        {"jobId": accepted["job_id"], "status": "completed"},  # before it is true at Symbl
        {"id": accepted["job_id"], "status": "in_progress"},  # out of order, blog-style key
        {"jobId": accepted["job_id"], "status": "completed"},
    ):  # duplicate
        assert requests.post(hook, json=body, timeout=5).json()["known_job"] is True
    assert requests.post(hook, json={"jobId": "unknown", "status": "completed"}, timeout=5).json()["known_job"] is False
    assert requests.post(f"{facade_url}/v1/symbl/webhook/wrong-secret", json={}, timeout=5).status_code == 404
    assert requests.post(hook, data=b"nope", timeout=5).status_code == 400
    # The facade verifies with Symbl instead of trusting the body: the job ends completed exactly once.
    assert api.job(accepted["job_id"], wait=20).json()["status"] == "completed"
    eventually(lambda: describe(app).store.get_submission(accepted["job_id"]).status == "completed")


@pytest.mark.slow
def test_redis_down_is_a_clear_503_and_recovers(sandbox, tmp_path: Path):
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    settings = Settings(
        SYMBL_BASE_URL=sandbox.url,
        CONNECTOR_API_KEYS=API_KEY,  # type: ignore[call-arg]
        CONNECTOR_STORE_URL=redis.url,
        CONNECTOR_LOG_LEVEL="CRITICAL",
    )
    app = create_app(settings)
    try:
        with serve(app) as url:
            api = Api(url)
            accepted = api.submit({"transcript": TRANSCRIPT, "wait": 0}).json()
            redis.stop()
            down = api.job(accepted["job_id"])
            assert down.status_code == 503
            assert down.json()["error"]["code"] == "store_unavailable"
            assert int(down.headers["Retry-After"]) > 0
            assert requests.get(f"{url}/readyz", timeout=10).status_code == 503
            redis.start()  # same port, empty (no persistence in this test): the store answers again
            eventually(lambda: requests.get(f"{url}/readyz", timeout=10).status_code == 200, timeout=15)
            assert api.submit({"transcript": TRANSCRIPT, "wait": 20}).status_code == 200
    finally:
        describe(app).close()
        redis.stop()
