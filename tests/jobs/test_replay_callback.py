"""An Idempotency-Key repeat with a new callback_url (a Zapier replay) gets the original submission
and the result is delivered to its URL too, over real HTTP against the sandbox."""

from __future__ import annotations

import json

import pytest

from tests.api.test_submit_and_wait import TRANSCRIPT
from tests.conftest import eventually
from tests.receiver import receiver

TEXT_SUBMITS = "POST /v1/process/text"


def events(got) -> list[dict]:
    with got.lock:
        return [json.loads(body) for body in got.bodies]


@pytest.mark.slow
def test_repeat_while_running_delivers_to_both_callbacks(api, sandbox):
    sandbox.configure(job_seconds=3)
    before = sandbox.stats()["requests"].get(TEXT_SUBMITS, 0)
    key = {"Idempotency-Key": "zap-step-1"}
    with receiver() as a, receiver() as b:
        first = api.submit({"transcript": TRANSCRIPT, "wait": 0, "callback_url": a.url}, headers=key)
        assert first.status_code == 202
        repeat = api.submit({"transcript": TRANSCRIPT, "wait": 0, "callback_url": b.url}, headers=key)
        assert repeat.status_code == 202, repeat.text
        assert repeat.json()["job_id"] == first.json()["job_id"]
        assert repeat.json()["status"] not in ("completed", "failed")  # added while the job ran
        eventually(lambda: a.bodies and b.bodies, timeout=20)
        got_a, got_b = events(a)[0], events(b)[0]
    assert got_a["event"] == got_b["event"] == "conversation.completed"
    assert got_a["job_id"] == got_b["job_id"] == first.json()["job_id"]
    assert got_a["event_id"] != got_b["event_id"]
    assert sandbox.stats()["requests"].get(TEXT_SUBMITS, 0) == before + 1


@pytest.mark.slow
@pytest.mark.parametrize(
    ("transcript", "event", "status"),
    [(TRANSCRIPT, "conversation.completed", 200), ("Bob: sandbox-fail now", "conversation.failed", 422)],
)
def test_repeat_after_the_job_finished_delivers_once_to_the_new_callback(api, sandbox, transcript, event, status):
    before = sandbox.stats()["requests"].get(TEXT_SUBMITS, 0)
    key = {"Idempotency-Key": f"zap-step-{event}"}
    with receiver() as a, receiver() as b, receiver() as c:
        first = api.submit({"transcript": transcript, "wait": 0, "callback_url": a.url}, headers=key)
        eventually(lambda: a.bodies, timeout=20)
        for _ in range(2):  # a repeated replay with the same URL delivers once
            repeat = api.submit({"transcript": transcript, "wait": 0, "callback_url": b.url}, headers=key)
            assert repeat.status_code == status, repeat.text  # the answer a repeat always got
            assert first.json()["job_id"] in repeat.text
        api.submit({"transcript": transcript, "wait": 0, "callback_url": c.url}, headers=key)
        eventually(lambda: b.bodies and c.bodies, timeout=20)
        got_a, got_b = events(a), events(b)
    assert len(got_a) == len(got_b) == 1
    assert got_a[0]["event"] == got_b[0]["event"] == event
    assert got_b[0]["job_id"] == first.json()["job_id"]
    assert got_b[0]["conversation_id"] == got_a[0]["conversation_id"]
    assert got_b[0]["event_id"] != got_a[0]["event_id"]
    assert sandbox.stats()["requests"].get(TEXT_SUBMITS, 0) == before + 1


def test_repeat_with_another_request_still_conflicts(api):
    key = {"Idempotency-Key": "zap-step-conflict"}
    with receiver() as a, receiver() as b:
        assert api.submit({"transcript": TRANSCRIPT, "wait": 0, "callback_url": a.url}, headers=key).status_code == 202
        other = api.submit({"transcript": "Alice: something else", "wait": 0, "callback_url": b.url}, headers=key)
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_conflict"


def test_repeats_add_at_most_five_callbacks(api):
    key = {"Idempotency-Key": "zap-step-many"}
    with receiver() as got:
        body = {"transcript": TRANSCRIPT, "wait": 0, "callback_url": f"{got.url}?n=0"}
        job_id = api.submit(body, headers=key).json()["job_id"]
        for n in range(1, 6):
            answer = api.submit({**body, "callback_url": f"{got.url}?n={n}"}, headers=key)
            assert answer.status_code in (200, 202) and answer.json()["job_id"] == job_id
        again = api.submit({**body, "callback_url": f"{got.url}?n=3"}, headers=key)  # already added
        assert again.status_code in (200, 202)
        too_many = api.submit({**body, "callback_url": f"{got.url}?n=6"}, headers=key)
        assert too_many.status_code == 409
        error = too_many.json()["error"]
        assert error["code"] == "too_many_callbacks" and "Idempotency-Key" in error["message"]
        eventually(lambda: len(got.bodies) >= 6, timeout=20)
