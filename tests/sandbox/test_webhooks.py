"""Webhook callbacks: one POST {"jobId", "status"} per status change, from a background thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from flask import Flask, request

from tests.sandbox.conftest import Symbl, text_body
from tests.servers import serve


class Receiver:
    """A tiny webhook receiver that records what it gets."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.lock = threading.Lock()
        self.app = Flask("receiver")

        @self.app.post("/hook")
        def hook():
            with self.lock:
                self.calls.append(request.get_json())
            return "", 204

        @self.app.post("/broken")
        def broken():
            return "", 500

    def for_job(self, job_id: str) -> list[str]:
        with self.lock:
            return [c["status"] for c in self.calls if c["jobId"] == job_id]

    def wait_for(self, job_id: str, count: int, timeout: float = 5) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.for_job(job_id)) < count:
            time.sleep(0.01)
        return self.for_job(job_id)


@pytest.fixture(scope="module")
def _receiver_server() -> Iterator[tuple[Receiver, str]]:
    receiver = Receiver()
    with serve(receiver.app) as url:
        yield receiver, url


@pytest.fixture
def receiver(_receiver_server) -> tuple[Receiver, str]:
    receiver, url = _receiver_server
    with receiver.lock:
        receiver.calls.clear()
    return receiver, url


def test_each_transition_is_posted_in_order(symbl: Symbl, receiver) -> None:
    hook, url = receiver
    job_id = symbl.submit_text(text_body(webhookUrl=f"{url}/hook")).json()["jobId"]
    assert hook.wait_for(job_id, 3) == ["scheduled", "in_progress", "completed"]
    assert all(set(c) == {"jobId", "status"} for c in hook.calls)
    assert symbl.job_status(job_id) == "completed"  # the webhook never runs ahead of the Job API
    assert symbl.control("GET", "/stats").json()["webhooks_sent"] == 3


def test_webhook_in_query_string_and_failed_job(symbl: Symbl, receiver) -> None:
    hook, url = receiver
    body = text_body([("A", "a@x.io", "This will sandbox-fail.")])
    job_id = symbl.submit_text(body, params={"webhookUrl": f"{url}/hook"}).json()["jobId"]
    assert hook.wait_for(job_id, 3) == ["scheduled", "in_progress", "failed"]


def test_completed_webhook_is_sent_when_the_job_completes(symbl: Symbl, receiver) -> None:
    hook, url = receiver
    symbl.control("POST", "/config", json={"job_seconds": 0.5})
    started = time.monotonic()
    job_id = symbl.submit_text(text_body(webhookUrl=f"{url}/hook")).json()["jobId"]
    hook.wait_for(job_id, 3)
    assert 0.45 <= time.monotonic() - started < 1.0


def test_forced_completion_and_appends_notify(symbl: Symbl, receiver) -> None:
    hook, url = receiver
    symbl.control("POST", "/config", json={"job_seconds": 30})
    first = symbl.submit_text(text_body(webhookUrl=f"{url}/hook")).json()
    second = symbl.submit_text(text_body(webhookUrl=f"{url}/hook"), conversation_id=first["conversationId"]).json()
    assert symbl.control("POST", f"/jobs/{first['jobId']}/complete").json()["status"] == "completed"
    # finished while still scheduled: no in_progress in between
    assert hook.wait_for(first["jobId"], 2) == ["scheduled", "completed"]
    assert symbl.job_status(second["jobId"]) == "scheduled"  # it starts only now, after the first
    assert symbl.control("POST", f"/jobs/{second['jobId']}/fail").status_code == 200
    assert hook.wait_for(second["jobId"], 2) == ["scheduled", "failed"]
    assert symbl.control("POST", f"/jobs/{second['jobId']}/fail").status_code == 409


def test_unreachable_or_failing_receivers_do_not_block_requests(symbl: Symbl, receiver) -> None:
    _, url = receiver
    started = time.monotonic()
    a = symbl.submit_text(text_body(webhookUrl="http://127.0.0.1:9/nothing-listens")).json()["jobId"]
    b = symbl.submit_text(text_body(webhookUrl=f"{url}/broken")).json()["jobId"]
    assert symbl.wait(a) == symbl.wait(b) == "completed"
    assert time.monotonic() - started < 2


def test_no_webhooks_when_disabled(symbl: Symbl, receiver) -> None:
    hook, url = receiver
    symbl.control("POST", "/config", json={"send_webhooks": False})
    job_id = symbl.submit_text(text_body(webhookUrl=f"{url}/hook")).json()["jobId"]
    symbl.wait(job_id)
    time.sleep(0.1)
    assert hook.for_job(job_id) == []
