"""Callbacks, REST hooks and idempotency over real HTTP."""

from __future__ import annotations

import concurrent.futures
import json
import time

import pytest

from connector.insights.contract import FlatInsights
from connector.jobs.signing import verify, verify_standard
from tests.api.test_submit_and_wait import TRANSCRIPT
from tests.conftest import OTHER_KEY, Api, eventually
from tests.receiver import receiver

SECRET = "callback-secret-for-tests"


@pytest.mark.slow
def test_callback_delivers_the_signed_flat_insights(api):
    with receiver() as got:
        accepted = api.submit({"transcript": TRANSCRIPT, "wait": 0, "callback_url": got.url})
        assert accepted.status_code == 202
        eventually(lambda: got.bodies, timeout=15)
        body, headers = got.bodies[0], got.headers[0]
    payload = json.loads(body)
    assert payload["event"] == "conversation.completed"
    assert payload["event_id"] == headers["X-Connector-Event-Id"]
    assert headers["X-Connector-Event"] == "conversation.completed"
    assert verify(body, SECRET, headers["X-Connector-Signature"])
    assert not verify(body + b" ", SECRET, headers["X-Connector-Signature"])
    # Standard Webhooks: the event ID and a fresh timestamp are signed with the body
    assert headers["Webhook-Id"] == payload["event_id"]
    assert abs(int(headers["Webhook-Timestamp"]) - time.time()) < 60
    assert verify_standard(body, SECRET, headers)
    assert not verify_standard(body + b" ", SECRET, headers)
    assert not verify_standard(body, SECRET, {**headers, "Webhook-Id": "evt_other"})
    flat = {k: v for k, v in payload.items() if k not in ("event", "event_id")}
    FlatInsights.model_validate(flat)
    assert flat["conversation_id"] == accepted.json()["conversation_id"]
    assert flat["summary"]


@pytest.mark.slow
def test_callback_is_retried_until_the_receiver_accepts(api):
    with receiver() as got:
        got.fail_next = 2
        api.submit({"transcript": TRANSCRIPT, "wait": 0, "callback_url": got.url})
        eventually(lambda: got.bodies, timeout=20)
        assert len(got.bodies) == 1


@pytest.mark.slow
def test_failed_job_callback_carries_the_error_and_ids(api):
    with receiver() as got:
        accepted = api.submit({"transcript": "Bob: sandbox-fail now", "wait": 0, "callback_url": got.url}).json()
        eventually(lambda: got.bodies, timeout=15)
        payload = json.loads(got.bodies[0])
    assert payload["event"] == "conversation.failed"
    assert payload["status"] == "failed" and payload["error"]["code"] == "job_failed"
    assert payload["job_id"] == accepted["job_id"] and payload["conversation_id"] == accepted["conversation_id"]


@pytest.mark.slow
def test_hooks_subscribe_deliver_list_and_unsubscribe(api, facade_url):
    with receiver() as got:
        created = api.session.post(
            f"{facade_url}/v1/hooks",
            headers=api.headers(),
            json={"target_url": got.url, "event": "conversation.completed"},
            timeout=10,
        )
        assert created.status_code == 201, created.text
        hook = created.json()
        assert hook["secret"] and hook["id"].startswith("hook_")
        listed = api.get("/v1/hooks").json()["hooks"]
        assert [h["id"] for h in listed] == [hook["id"]] and "secret" not in listed[0]
        assert Api(facade_url, OTHER_KEY).get("/v1/hooks").json()["hooks"] == []  # per key

        Api(facade_url, OTHER_KEY).submit({"transcript": TRANSCRIPT, "wait": 20})  # another key: not delivered
        done = api.submit({"transcript": TRANSCRIPT, "wait": 20}).json()
        eventually(lambda: got.bodies, timeout=15)
        assert len(got.bodies) == 1
        payload = json.loads(got.bodies[0])
        assert payload["conversation_id"] == done["conversation_id"]
        assert verify(got.bodies[0], hook["secret"], got.headers[0]["X-Connector-Signature"])
        assert verify_standard(got.bodies[0], hook["secret"], got.headers[0])

        assert (
            api.session.delete(f"{facade_url}/v1/hooks/{hook['id']}", headers=api.headers(), timeout=10).status_code
            == 204
        )
        assert api.get("/v1/hooks").json()["hooks"] == []


def test_hook_target_must_pass_the_ssrf_guard(api, facade_url):
    for target in ("http://10.0.0.5/x", "https://[::1]/x", "https://169.254.169.254/latest/meta-data", "ftp://x.y/z"):
        answer = api.session.post(
            f"{facade_url}/v1/hooks", headers=api.headers(), json={"target_url": target}, timeout=10
        )
        assert answer.status_code == 400, target
        assert answer.json()["error"]["code"] == "callback_url_not_allowed"


@pytest.mark.slow
def test_idempotency_key_never_creates_a_second_job(api, sandbox):
    before = sandbox.stats()["requests"].get("POST /v1/process/text", 0)
    key = {"Idempotency-Key": "order-123"}
    body = {"transcript": TRANSCRIPT, "wait": 0}
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: api.submit(body, headers=key), range(8)))
    assert {a.status_code for a in answers} == {202}
    assert len({a.json()["job_id"] for a in answers}) == 1
    assert sandbox.stats()["requests"].get("POST /v1/process/text", 0) == before + 1
    again = api.submit({**body, "wait": 20}, headers=key)
    assert again.status_code == 200 and again.json()["job_id"] == answers[0].json()["job_id"]
    conflict = api.submit({"transcript": "Alice: something else", "wait": 0}, headers=key)
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "idempotency_conflict"
