"""Tenant-isolation fixtures: a real Symbl sandbox, and the facade as users run it (`connector
serve`: gunicorn + gevent, two workers) with two plain API keys (A and B) and one admin key.

The server is shared by a test module (starting it takes seconds); tests create their own
conversations and trackers, so they do not depend on each other."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from connector.sandbox import SandboxConfig, create_sandbox_app
from tests.conftest import Api, Sandbox, eventually
from tests.servers import serve
from tests.store.conftest import free_port

KEY_A = "tenant-a-key"
KEY_B = "tenant-b-key"
ADMIN_KEY = "operator-admin-key"
TRANSCRIPT = (
    "Alice: Hi Bob, thanks for joining the call today.\n"
    "Bob: Happy to be here. What is the price of the enterprise plan?\n"
    "Alice: It is 40 dollars per seat. Can you send me the signed contract by Friday?\n"
    "Bob: Sure, I will send the contract by Friday."
)


@dataclass
class Facade:
    """A running `connector serve` and what it wrote to stderr (its log)."""

    url: str
    log_path: Path
    sandbox: Sandbox

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def api(self, key: str) -> Api:
        return Api(self.url, key)


def start_facade(sandbox: Sandbox, tmp: Path, **env: str) -> Iterator[Facade]:
    """`connector serve` with 2 workers on a loopback port, killed (whole group) at the end."""
    port = free_port()
    log_path = tmp / "facade.log"
    full_env = {
        **os.environ,
        "SYMBL_BASE_URL": sandbox.url,
        "CONNECTOR_API_KEYS": f"{KEY_A},{KEY_B}",
        "CONNECTOR_ADMIN_KEYS": ADMIN_KEY,
        "CONNECTOR_STORE_URL": f"sqlite:///{tmp}/connector.db",
        "CONNECTOR_WORKERS": "2",
        "CONNECTOR_LOG_LEVEL": "INFO",
        "CONNECTOR_DEFAULT_WAIT_SECONDS": "20",
        **env,
    }
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "connector.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=full_env,
            start_new_session=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:

        def healthy() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"connector serve exited: {log_path.read_text()[-2000:]}")
            try:
                return requests.get(f"{url}/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        eventually(healthy, timeout=40, step=0.1)
        yield Facade(url, log_path, sandbox)
    finally:
        from tests.cli.test_processes import kill

        kill(proc)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with serve(create_sandbox_app(SandboxConfig(job_seconds=0.3, token_ttl_seconds=3600))) as url:
        yield Sandbox(url)


@pytest.fixture(scope="module")
def facade(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Facade]:
    yield from start_facade(sandbox, tmp_path_factory.mktemp("facade"))


@pytest.fixture
def a(facade: Facade) -> Api:
    return facade.api(KEY_A)


@pytest.fixture
def b(facade: Facade) -> Api:
    return facade.api(KEY_B)


def completed(api: Api, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """Submit a transcript with ``api``'s key and wait until its insights are there."""
    response = api.submit(body or {"transcript": TRANSCRIPT, "name": "A's secret deal", "wait": 30})
    assert response.status_code == 200, response.text
    return response.json()
