"""`connector serve` in sandbox mode keeps its generated API key with the store's data: the same key
works after a restart and still sees the conversations submitted before."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.api.test_submit_and_wait import TRANSCRIPT
from tests.cli.test_processes import _ok, kill
from tests.conftest import eventually
from tests.store.conftest import free_port

pytestmark = pytest.mark.slow


def start(env: dict[str, str], port: int) -> tuple[subprocess.Popen, str, str]:
    """`connector serve` as a user starts it; returns (process, printed key, everything it printed before)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "connector.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    printed = []
    for line in proc.stderr:  # type: ignore[union-attr]
        printed.append(line)
        if line.strip().startswith("sk_sandbox_"):
            eventually(lambda: _ok(f"http://127.0.0.1:{port}/healthz"), timeout=30, step=0.1)
            return proc, line.strip(), "".join(printed)
    kill(proc)
    raise AssertionError("no key printed: " + "".join(printed)[-2000:])


def test_sandbox_key_survives_a_restart_and_sees_earlier_conversations(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SYMBL_", "CONNECTOR_"))}
    env.update(
        {
            "CONNECTOR_STORE_URL": f"sqlite:///{tmp_path}/data/connector.db",
            "SANDBOX_JOB_SECONDS": "0.3",
            "CONNECTOR_WORKERS": "1",
            "CONNECTOR_LOG_LEVEL": "WARNING",
        }
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc, key, printed = start(env, port)
    try:
        assert str(tmp_path / "data" / "sandbox-api-key") in printed
        auth = {"Authorization": f"Bearer {key}"}
        first = requests.post(
            f"{url}/v1/conversations", headers=auth, json={"transcript": TRANSCRIPT, "wait": 20}, timeout=30
        )
        assert first.status_code == 200, first.text
        conversation_id, job_id = first.json()["conversation_id"], first.json()["job_id"]
    finally:
        kill(proc, signal.SIGTERM)

    kept = tmp_path / "data" / "sandbox-api-key"
    assert kept.read_text().strip() == key
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "data" / "sandbox-callback-secret").stat().st_mode) == 0o600

    proc, again, _ = start(env, port)
    try:
        assert again == key
        # the facade's store remembers it for this key (test_sandbox_state_survives.py: the sandbox keeps it too)
        listed = requests.get(f"{url}/v1/conversations", headers=auth, timeout=30)
        assert listed.status_code == 200, listed.text
        assert [c["conversation_id"] for c in listed.json()["conversations"]] == [conversation_id]
        job = requests.get(f"{url}/v1/jobs/{job_id}", headers=auth, timeout=30)
        assert job.status_code == 200 and job.json()["status"] == "completed", job.text
    finally:
        kill(proc, signal.SIGTERM)


def test_configured_api_keys_override_the_kept_key(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SYMBL_", "CONNECTOR_"))}
    env.update(
        {
            "CONNECTOR_STORE_URL": f"sqlite:///{tmp_path}/data/connector.db",
            "CONNECTOR_API_KEYS": "my-own-key",
            "CONNECTOR_WORKERS": "1",
            "CONNECTOR_LOG_LEVEL": "WARNING",
        }
    )
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "connector.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        eventually(lambda: _ok(f"{url}/healthz"), timeout=30, step=0.1)
        assert (
            requests.get(f"{url}/v1/me", headers={"Authorization": "Bearer my-own-key"}, timeout=5).status_code == 200
        )
        assert not (tmp_path / "data" / "sandbox-api-key").exists()
    finally:
        kill(proc, signal.SIGTERM)
