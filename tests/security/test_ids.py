"""Path IDs cannot reach another key's work: URL metacharacters in an ID (``#``, ``?``, ``/``,
a double-encoded ``%``) answer 404 before anything else, IDs go to Symbl escaped as one path
segment, and "does not exist", "malformed" and "another key's" answer the same bytes.

Replayed over real HTTP against `connector serve` (gunicorn + gevent, 2 workers)."""

from __future__ import annotations

import json

import pytest
import requests

from tests.conftest import Api
from tests.security.conftest import TRANSCRIPT, completed

pytestmark = pytest.mark.slow

VARIANTS = ["%23", "%3F", "%3Fx=1", "%2F", "%2523"]
UNKNOWN_CONVERSATION = "4000000000000001"


def test_insights_of_another_key_with_metacharacters_are_not_found(a: Api, b: Api) -> None:
    mine = completed(a)
    conversation = mine["conversation_id"]
    for variant in VARIANTS:
        response = b.insights(f"{conversation}{variant}")
        assert response.status_code == 404, (variant, response.text)
        assert "A's secret deal" not in response.text and "Alice" not in response.text
    again = a.insights(conversation)
    assert again.status_code == 200 and again.json()["name"] == "A's secret deal"


def test_append_with_metacharacters_cannot_take_a_conversation_over(a: Api, b: Api) -> None:
    mine = completed(a)
    conversation = mine["conversation_id"]
    for variant in VARIANTS:
        response = b.session.put(
            f"{b.url}/v1/conversations/{conversation}{variant}",
            headers=b.headers(),
            json={"transcript": "Mallory: I own this now.", "wait": 10},
            timeout=60,
        )
        assert response.status_code == 404, (variant, response.text)
        assert "Alice" not in response.text
    # Nothing was recorded for B, and A still owns and reads its whole conversation.
    listed = b.get("/v1/conversations").json()["conversations"]
    assert all(item["conversation_id"] != conversation for item in listed)
    assert b.insights(conversation).status_code == 404
    own = a.insights(conversation)
    assert own.status_code == 200, own.text
    assert own.json()["name"] == "A's secret deal" and "Mallory" not in own.json()["transcript_text"]
    appended = a.append(conversation, {"transcript": "Alice: One more thing.", "wait": 30})
    assert appended.status_code == 200 and appended.json()["conversation_id"] == conversation


def test_not_found_and_another_keys_answer_the_same_bytes(a: Api, b: Api) -> None:
    mine = completed(a)
    conversation, job = mine["conversation_id"], mine["job_id"]
    unknown = b.insights(UNKNOWN_CONVERSATION)
    others = b.insights(conversation)
    malformed = b.insights(f"{conversation}%23")
    assert unknown.status_code == others.status_code == malformed.status_code == 404
    assert others.content == unknown.content == malformed.content
    assert unknown.json()["error"]["code"] == "conversation_not_found"

    put = {"transcript": TRANSCRIPT, "wait": 5}
    appends = [b.append(c, put) for c in (UNKNOWN_CONVERSATION, conversation, f"{conversation}%3F")]
    assert {r.status_code for r in appends} == {404}
    assert appends[0].content == appends[1].content == appends[2].content == unknown.content

    jobs = [b.job(j) for j in ("00000000-0000-4000-8000-000000000000", job, f"{job}%23", f"{job}%3Fwait=1")]
    assert {r.status_code for r in jobs} == {404}
    assert len({r.content for r in jobs}) == 1 and jobs[0].json()["error"]["code"] == "job_not_found"
    assert a.job(job).status_code == 200


def test_other_path_ids_are_checked_first(a: Api) -> None:
    batch = "batch-00000000-0000-4000-8000-000000000000"
    cases = [
        ("GET", f"/v1/batches/{batch}%23", "batch_not_found"),
        ("GET", "/v1/batches/..%2F..%2Fjobs", "not_found"),  # a decoded "/" matches no route at all
        ("GET", "/v1/trackers/1%3Fname=x", "tracker_not_found"),
        ("GET", "/v1/trackers/1%23", "tracker_not_found"),
        ("DELETE", "/v1/trackers/1%2523", "tracker_not_found"),
        ("DELETE", "/v1/hooks/hook_abc%23", "hook_not_found"),
        ("DELETE", "/v1/hooks/hook_abc%3Fx=1", "hook_not_found"),
    ]
    for method, path, code in cases:
        response = a.session.request(method, f"{a.url}{path}", headers=a.headers(), timeout=30)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["error"]["code"] == code, (path, response.text)


def test_an_append_counts_only_for_the_conversation_asked_for(sandbox, tmp_path) -> None:
    """A Symbl answer naming another conversation (here: a proxy in front of the sandbox rewrites
    it to A's) is refused; before, B's append was recorded under A's conversation and took it over."""
    from flask import Flask, Response, request

    from connector.app import create_app, describe
    from connector.config import Settings
    from tests.security.conftest import KEY_A, KEY_B
    from tests.servers import serve

    rewrite: dict[str, str] = {}
    proxy = Flask("symbl-proxy")

    @proxy.route("/<path:path>", methods=["GET", "POST", "PUT", "DELETE"])
    def forward(path: str) -> Response:
        upstream = requests.request(
            request.method,
            f"{sandbox.url}/{path}",
            params=request.args,
            data=request.get_data(),
            headers={k: v for k, v in request.headers if k.lower() != "host"},
            timeout=30,
        )
        body = upstream.content
        if request.method == "PUT" and path.startswith("v1/process/") and "to" in rewrite:
            body = json.dumps({**upstream.json(), "conversationId": rewrite["to"]}).encode()
        return Response(body, status=upstream.status_code, content_type=upstream.headers.get("Content-Type"))

    with serve(proxy) as proxy_url:
        app = create_app(
            Settings(
                SYMBL_BASE_URL=proxy_url,
                CONNECTOR_API_KEYS=f"{KEY_A},{KEY_B}",  # type: ignore[call-arg]
                CONNECTOR_STORE_URL=f"sqlite:///{tmp_path}/c.db",
                CONNECTOR_LOG_LEVEL="WARNING",
            )
        )
        try:
            with serve(app) as url:
                a, b = Api(url, KEY_A), Api(url, KEY_B)
                victim = completed(a)["conversation_id"]
                own = completed(b, {"transcript": "Bob: my own call.", "wait": 30})["conversation_id"]
                rewrite["to"] = victim
                appended = b.append(own, {"transcript": "Mallory: mine now.", "wait": 10})
                assert appended.status_code == 404, appended.text
                assert appended.json()["error"]["code"] == "conversation_not_found"
                assert b.insights(victim).status_code == 404
                mine = a.insights(victim)
                assert mine.status_code == 200 and mine.json()["name"] == "A's secret deal", mine.text
        finally:
            describe(app).close()
