"""`connector serve` in sandbox mode, stopped (SIGTERM) and started again on the same data: the
embedded Symbl sandbox still has the conversations, so their insights read as before, and a job
that was running at the restart completes afterwards."""

from __future__ import annotations

import os
import signal
import stat
from pathlib import Path

import pytest
import requests

from tests.api.test_submit_and_wait import TRANSCRIPT
from tests.cli.test_processes import kill
from tests.cli.test_sandbox_key import start
from tests.store.conftest import free_port

pytestmark = pytest.mark.slow


def test_conversations_and_running_jobs_survive_a_restart(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SYMBL_", "CONNECTOR_", "SANDBOX_"))}
    env.update(
        {
            "CONNECTOR_STORE_URL": f"sqlite:///{tmp_path}/data/connector.db",
            "SANDBOX_JOB_SECONDS": "1.5",
            "CONNECTOR_WORKERS": "1",
            "CONNECTOR_LOG_LEVEL": "WARNING",
        }
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc, key, _ = start(env, port)
    auth = {"Authorization": f"Bearer {key}"}
    try:
        done = requests.post(
            f"{url}/v1/conversations", headers=auth, json={"transcript": TRANSCRIPT, "wait": 30}, timeout=60
        )
        assert done.status_code == 200, done.text
        conversation_id = done.json()["conversation_id"]
        before = requests.get(f"{url}/v1/conversations/{conversation_id}/insights", headers=auth, timeout=30)
        assert before.status_code == 200, before.text
        running = requests.post(
            f"{url}/v1/conversations",
            headers=auth,
            json={"transcript": TRANSCRIPT, "name": "in flight", "wait": 0},
            timeout=30,
        )
        assert running.status_code == 202, running.text
    finally:
        kill(proc, signal.SIGTERM)

    kept = tmp_path / "data" / "sandbox-state.json"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600

    proc, again, _ = start(env, port)
    try:
        assert again == key
        after = requests.get(f"{url}/v1/conversations/{conversation_id}/insights", headers=auth, timeout=30)
        assert after.status_code == 200, after.text
        for part in ("summary", "transcript_text", "action_items", "questions", "topics"):
            assert after.json()[part] == before.json()[part], part
        assert after.json()["summary"] and after.json()["transcript_text"]

        job = requests.get(f"{url}/v1/jobs/{running.json()['job_id']}", headers=auth, params={"wait": 30}, timeout=60)
        assert job.status_code == 200 and job.json()["status"] == "completed", job.text
        finished = requests.get(
            f"{url}/v1/conversations/{running.json()['conversation_id']}/insights", headers=auth, timeout=30
        )
        assert finished.status_code == 200, finished.text
        assert finished.json()["transcript_text"] == before.json()["transcript_text"]
    finally:
        kill(proc, signal.SIGTERM)
