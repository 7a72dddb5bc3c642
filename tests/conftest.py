"""Shared fixtures: a real Symbl sandbox server, the facade on a real loopback port against it,
and a helper whose methods read as a caller's actions."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from connector.app import create_app, describe
from connector.config import Settings
from connector.sandbox import SandboxConfig, create_sandbox_app
from tests.servers import serve

API_KEY = "test-key-1"
OTHER_KEY = "test-key-2"


class Sandbox:
    """The running sandbox and its control routes (faults, config, stats)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def faults(self, *rules: dict[str, Any]) -> None:
        requests.post(f"{self.url}/_sandbox/faults", json={"rules": list(rules)}, timeout=5).raise_for_status()

    def clear_faults(self) -> None:
        requests.delete(f"{self.url}/_sandbox/faults", timeout=5).raise_for_status()

    def configure(self, **changes: Any) -> dict[str, Any]:
        response = requests.post(f"{self.url}/_sandbox/config", json=changes, timeout=5)
        response.raise_for_status()
        return response.json()

    def expire_tokens(self) -> None:
        requests.post(f"{self.url}/_sandbox/tokens/expire", timeout=5).raise_for_status()

    def stats(self) -> dict[str, Any]:
        return requests.get(f"{self.url}/_sandbox/stats", timeout=5).json()

    def reset(self) -> None:
        requests.post(f"{self.url}/_sandbox/reset", timeout=5).raise_for_status()


class Api:
    """A facade caller: each method is one thing a user does."""

    def __init__(self, url: str, key: str = API_KEY) -> None:
        self.url = url
        self.key = key
        self.session = requests.Session()

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}", **extra}

    def submit(
        self, body: dict[str, Any] | None = None, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> requests.Response:
        return self.session.post(
            f"{self.url}/v1/conversations",
            json=body,
            headers={**self.headers(), **(headers or {})},
            timeout=90,
            **kwargs,
        )

    def append(self, conversation_id: str, body: dict[str, Any]) -> requests.Response:
        return self.session.put(
            f"{self.url}/v1/conversations/{conversation_id}", json=body, headers=self.headers(), timeout=90
        )

    def job(self, job_id: str, wait: float = 0) -> requests.Response:
        return self.session.get(
            f"{self.url}/v1/jobs/{job_id}", params={"wait": wait}, headers=self.headers(), timeout=90
        )

    def insights(self, conversation_id: str, **params: Any) -> requests.Response:
        return self.session.get(
            f"{self.url}/v1/conversations/{conversation_id}/insights", params=params, headers=self.headers(), timeout=90
        )

    def get(self, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
        return self.session.get(
            f"{self.url}{path}", headers={**self.headers(), **(headers or {})}, timeout=30, **kwargs
        )


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Sandbox]:
    """A real Symbl sandbox on a loopback port, shared by the session (tests reset what they change)."""
    with serve(create_sandbox_app(SandboxConfig(job_seconds=0.6, token_ttl_seconds=3600))) as url:
        yield Sandbox(url)


@pytest.fixture
def sandbox(sandbox_server: Sandbox) -> Iterator[Sandbox]:
    yield sandbox_server
    sandbox_server.clear_faults()
    sandbox_server.configure(job_seconds=0.6, token_ttl_seconds=3600, max_concurrent_jobs=50, latency_seconds=0.0)


@pytest.fixture
def settings(sandbox: Sandbox, tmp_path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        SYMBL_BASE_URL=sandbox.url,
        CONNECTOR_API_KEYS=f"{API_KEY},{OTHER_KEY}",
        CONNECTOR_STORE_URL=f"sqlite:///{tmp_path}/connector.db",
        CONNECTOR_CALLBACK_ALLOWLIST="127.0.0.1,localhost",
        CONNECTOR_CALLBACK_SECRET="callback-secret-for-tests",
        CONNECTOR_CALLBACK_FIRST_RETRY_SECONDS=0.3,
        CONNECTOR_DEFAULT_WAIT_SECONDS=10,
        CONNECTOR_MAX_WAIT_SECONDS=60,
        CONNECTOR_MAX_BODY_BYTES=200_000,
        CONNECTOR_MAX_UPLOAD_BYTES=5_000_000,
        CONNECTOR_LOG_LEVEL="WARNING",
    )


@pytest.fixture
def app(settings: Settings):
    app = create_app(settings)
    yield app
    describe(app).close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def facade_url(app) -> Iterator[str]:
    """The facade on a real loopback port."""
    with serve(app) as url:
        yield url


@pytest.fixture
def api(facade_url: str) -> Api:
    return Api(facade_url)


def eventually(check, timeout: float = 10.0, step: float = 0.05):
    """Poll ``check()`` until it returns a truthy value; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(step)
