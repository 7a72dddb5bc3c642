"""`connector listen` as a real process receiving a sandbox facade's callbacks over real HTTP: the
delivery is verified and printed; unsigned, tampered, stale and repeated deliveries are not. In
live mode a loopback callback is still refused."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet

from connector.app import create_app, describe
from connector.config import Settings
from connector.jobs.signing import sign, standard_headers
from tests.api.test_submit_and_wait import TRANSCRIPT
from tests.conftest import API_KEY, Api, Sandbox
from tests.servers import serve
from tests.store.conftest import free_port

SECRET = "listen-test-secret"


class Listening:
    """The `connector listen` child: its URL and what it printed (stdout and stderr, line by line)."""

    def __init__(self, proc: subprocess.Popen, url: str) -> None:
        self.proc, self.url = proc, url
        self.out: queue.Queue[str] = queue.Queue()
        self.err: queue.Queue[str] = queue.Queue()
        for stream, sink in ((proc.stdout, self.out), (proc.stderr, self.err)):
            threading.Thread(target=lambda s=stream, q=sink: [q.put(line) for line in s], daemon=True).start()

    def line(self, timeout: float = 30) -> str:
        return self.err.get(timeout=timeout)

    def printed_json(self) -> dict:
        """The next pretty-printed JSON document on stdout."""
        text = ""
        while True:
            text += self.out.get(timeout=10)
            try:
                return json.loads(text)
            except ValueError:
                continue


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[Listening]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SYMBL_", "CONNECTOR_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "connector.cli", "listen", "--port", str(port), "--secret", SECRET],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={**env, "PYTHONUNBUFFERED": "1"},
    )
    listening = Listening(proc, f"http://127.0.0.1:{port}")
    try:
        assert "Listening on" in listening.line()
        yield listening
    finally:
        proc.terminate()
        proc.wait(10)


def facade_settings(sandbox: Sandbox, tmp_path: Path, **extra: str) -> Settings:
    """A facade with no callback allow-list at all (so only sandbox mode lets loopback through)."""
    return Settings(  # type: ignore[call-arg]
        SYMBL_BASE_URL=sandbox.url,
        CONNECTOR_API_KEYS=API_KEY,
        CONNECTOR_STORE_URL=f"sqlite:///{tmp_path}/c.db",
        CONNECTOR_CALLBACK_SECRET=SECRET,
        CONNECTOR_LOG_LEVEL="WARNING",
        **extra,
    )


@pytest.mark.slow
def test_listen_prints_a_verified_sandbox_callback_and_rejects_forgeries(
    listener: Listening, sandbox: Sandbox, tmp_path: Path
):
    app = create_app(facade_settings(sandbox, tmp_path))
    try:
        with serve(app) as url:
            answer = Api(url).submit({"transcript": TRANSCRIPT, "wait": 20, "callback_url": f"{listener.url}/callback"})
            assert answer.status_code == 200, answer.text
            conversation_id = answer.json()["conversation_id"]
            status = listener.line()
            assert status.startswith("RECEIVED POST /callback conversation.completed "), status
            assert "webhook-signature verified" in status and "X-Connector-Signature also valid" in status
            printed = listener.printed_json()
            assert printed["conversation_id"] == conversation_id and printed["event"] == "conversation.completed"
    finally:
        describe(app).close()

    body = json.dumps({"event": "conversation.completed", "event_id": "evt_local_1"}).encode()
    good = standard_headers("evt_local_1", body, SECRET)
    post = lambda data, headers: requests.post(f"{listener.url}/hook", data=data, headers=headers, timeout=10)  # noqa: E731
    tampered = post(body.replace(b"completed", b"failed"), good)
    assert tampered.status_code == 401 and tampered.json()["error"]["code"] == "signature_invalid"
    assert listener.line().startswith("REJECTED")
    legacy_only = post(body, {"X-Connector-Signature": sign(body, SECRET)})
    assert legacy_only.status_code == 401 and legacy_only.json()["error"]["code"] == "signature_missing"
    assert listener.line().startswith("REJECTED")
    stale = post(body, standard_headers("evt_local_1", body, SECRET, now=time.time() - 600))
    assert stale.status_code == 401
    assert listener.line().startswith("REJECTED")
    assert post(body, good).status_code == 200
    assert listener.line().startswith("RECEIVED") and listener.printed_json()["event_id"] == "evt_local_1"
    replayed = post(body, good)
    assert replayed.status_code == 200 and replayed.json()["status"] == "duplicate"
    assert listener.line().startswith("DUPLICATE")
    assert listener.out.empty()  # nothing printed for the rejected and repeated ones


def test_listen_without_any_secret_refuses_to_start(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SYMBL_", "CONNECTOR_"))}
    done = subprocess.run(
        [sys.executable, "-m", "connector.cli", "listen", "--port", str(free_port())],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "no secret" in done.stderr


def test_listen_reads_the_sandbox_kept_callback_secret(tmp_path: Path):
    from connector.sandbox_keys import sandbox_callback_secret

    kept = sandbox_callback_secret(f"sqlite:///{tmp_path}/data/connector.db")  # what `connector serve` keeps
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SYMBL_", "CONNECTOR_"))}
    # run from the folder holding data/, as the README says: the default store URL points there
    proc = subprocess.Popen(
        [sys.executable, "-m", "connector.cli", "listen", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        listening = Listening(proc, f"http://127.0.0.1:{port}")
        assert "Listening on" in listening.line()
        body = b'{"event_id": "evt_kept"}'
        answer = requests.post(
            f"{listening.url}/", data=body, headers=standard_headers("evt_kept", body, kept), timeout=10
        )
        assert answer.status_code == 200, answer.text
    finally:
        proc.terminate()
        proc.wait(10)


def test_live_mode_still_refuses_loopback_callbacks(sandbox: Sandbox, tmp_path: Path):
    app = create_app(
        facade_settings(
            sandbox,
            tmp_path,
            SYMBL_APP_ID="sandbox-app-id",
            SYMBL_APP_SECRET="sandbox-app-secret",
            CONNECTOR_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        )
    )
    try:
        with serve(app) as url:
            api = Api(url)
            for target in ("http://127.0.0.1:9/callback", "http://localhost:9/callback", "https://127.0.0.1/x"):
                answer = api.submit({"transcript": TRANSCRIPT, "wait": 0, "callback_url": target})
                assert answer.status_code == 400, (target, answer.text)
                assert answer.json()["error"]["code"] == "callback_url_not_allowed"
                hook = api.session.post(
                    f"{url}/v1/hooks", headers=api.headers(), json={"target_url": target}, timeout=10
                )
                assert hook.status_code == 400 and hook.json()["error"]["code"] == "callback_url_not_allowed"
    finally:
        describe(app).close()
