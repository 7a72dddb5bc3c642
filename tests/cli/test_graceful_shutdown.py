"""`connector serve` stopped with SIGTERM (as `docker stop` does) while callers wait: each waiting
caller gets a 202 with the IDs, not a reset, and the server exits within its graceful timeout."""

from __future__ import annotations

import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from connector.sandbox import SandboxConfig, create_sandbox_app
from tests.api.test_submit_and_wait import TRANSCRIPT
from tests.cli.test_processes import facade_process
from tests.conftest import Api, eventually
from tests.servers import serve

pytestmark = pytest.mark.slow

GRACEFUL_TIMEOUT = 30  # connector/server.py


def waits_in_flight(url: str) -> float:
    for line in requests.get(f"{url}/metrics", timeout=5).text.splitlines():
        if line.startswith("connector_waits_in_flight "):
            return float(line.split()[1])
    return 0.0


def queued(api: Api) -> bool:
    listed = api.session.get(
        f"{api.url}/v1/conversations", params={"status": "queued"}, headers=api.headers(), timeout=5
    )
    return listed.status_code == 200 and bool(listed.json()["conversations"])


def test_sigterm_answers_waiting_callers_202_and_exits(tmp_path: Path):
    with serve(create_sandbox_app(SandboxConfig(job_seconds=120.0))) as sandbox_url:
        env = {
            "SYMBL_BASE_URL": sandbox_url,
            "CONNECTOR_STORE_URL": f"sqlite:///{tmp_path}/c.db",
            "CONNECTOR_WORKERS": "2",
            "SYMBL_MAX_CONCURRENT_JOBS": "2",
        }
        with facade_process(env) as (url, proc), ThreadPoolExecutor(3) as pool:
            api = Api(url)
            first = api.submit({"transcript": TRANSCRIPT, "wait": 0}).json()
            waits = [
                pool.submit(Api(url).submit, {"transcript": TRANSCRIPT, "wait": 100}),
                pool.submit(Api(url).job, first["job_id"], wait=100),
            ]
            eventually(lambda: waits_in_flight(url) >= 2, timeout=30, step=0.2)
            # both Symbl slots taken: this one waits in the queue
            waits.append(pool.submit(Api(url).submit, {"transcript": TRANSCRIPT, "wait": 100}))
            eventually(lambda: queued(api), timeout=30, step=0.2)
            stopped_at = time.monotonic()
            proc.send_signal(signal.SIGTERM)  # the gunicorn master, as a container runtime does
            answers = [w.result(timeout=GRACEFUL_TIMEOUT + 10) for w in waits]
            try:
                proc.wait(timeout=GRACEFUL_TIMEOUT + 10)
            except subprocess.TimeoutExpired:
                pytest.fail("connector serve did not exit within its graceful timeout")
            exited_after = time.monotonic() - stopped_at
    submit, job, queued_submit = answers
    assert queued_submit.status_code == 202, queued_submit.text
    assert queued_submit.json()["status"] == "queued"
    assert submit.status_code == 202, submit.text
    assert submit.json()["job_id"] and submit.json()["conversation_id"]
    assert job.status_code == 200 and job.json()["status"] in ("scheduled", "in_progress"), job.text
    assert proc.returncode == 0
    assert exited_after < GRACEFUL_TIMEOUT
