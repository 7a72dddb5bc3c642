"""Helpers of the tenant-fairness, credential, delivery and secrets tests: a real Symbl sandbox,
the facade in-process on a loopback port, and `connector serve` (gunicorn + gevent) as a process.

Fixtures live here, not in a conftest (test modules import the ones they use)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from connector.app import create_app, describe
from connector.config import Settings
from connector.sandbox import SandboxConfig, create_sandbox_app
from tests.conftest import API_KEY, OTHER_KEY, Api, Sandbox, eventually
from tests.processes import serve_process
from tests.servers import serve

__all__ = [
    "API_KEY",
    "OTHER_KEY",
    "OWN_APP_ID",
    "OWN_APP_SECRET",
    "TRANSCRIPT",
    "Api",
    "Sandbox",
    "eventually",
    "facade_process",
    "in_process_facade",
    "own_sandbox",
]

OWN_APP_ID = "caller-own-app"
OWN_APP_SECRET = "caller-own-secret-5f2c9e1d7a"
TRANSCRIPT = "Alice: Let's ship the release on Friday.\nBob: I will send the notes by Thursday."


@pytest.fixture
def own_sandbox() -> Iterator[Sandbox]:
    """A sandbox of this test's own (jobs take 2 s), which also accepts the caller's own credential."""
    config = SandboxConfig(job_seconds=2.0, token_ttl_seconds=3600, extra_credentials={OWN_APP_ID: OWN_APP_SECRET})
    with serve(create_sandbox_app(config)) as url:
        yield Sandbox(url)


def base_settings(sandbox_url: str, tmp_path: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "SYMBL_BASE_URL": sandbox_url,
        "CONNECTOR_API_KEYS": f"{API_KEY},{OTHER_KEY}",
        "CONNECTOR_STORE_URL": f"sqlite:///{tmp_path}/connector.db",
        "CONNECTOR_CALLBACK_ALLOWLIST": "127.0.0.1,localhost",
        "CONNECTOR_CALLBACK_FIRST_RETRY_SECONDS": 0.3,
        "CONNECTOR_LOG_LEVEL": "WARNING",
        **extra,
    }
    return Settings(**values)  # type: ignore[arg-type]


@contextmanager
def in_process_facade(settings: Settings) -> Iterator[tuple[str, Any]]:
    """The facade app on a real loopback port; yields (url, app)."""
    app = create_app(settings)
    try:
        with serve(app) as url:
            yield url, app
    finally:
        describe(app).close()


@contextmanager
def facade_process(
    env: dict[str, str], *, workers: int = 2, port: int | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`connector serve` on a loopback port with ``workers`` gevent workers, none of this shell's
    SYMBL_/CONNECTOR_/SANDBOX_ settings; yields (url, process)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("SYMBL_", "CONNECTOR_", "SANDBOX_"))}
    full_env.update(
        {
            "CONNECTOR_API_KEYS": f"{API_KEY},{OTHER_KEY}",
            "CONNECTOR_WORKERS": str(workers),
            "CONNECTOR_LOG_LEVEL": "WARNING",
            **env,
        }
    )
    with serve_process(full_env, port=port) as started:
        yield started
