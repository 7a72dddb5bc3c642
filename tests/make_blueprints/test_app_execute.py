"""Run the custom app's modules, RPC and connection against the sandbox facade, as Make would."""

from __future__ import annotations

import pytest

from tests.make_blueprints import app_runner

pytestmark = pytest.mark.slow

TRANSCRIPT = "Alice: Can you send the quote by Friday?\nBob: Sure, I will.\nAlice: Is Globex cheaper?"


@pytest.fixture(scope="module")
def conn(facade):
    return app_runner.Connection(url=facade.url, apiKey=facade.api_key)


def flat_fields(openapi) -> set[str]:
    return set(openapi.properties(openapi.schema("FlatInsights")))


def test_process_conversation_waits_with_repeat_and_returns_insights(conn, openapi):
    out, made = app_runner.run(
        "module",
        "processConversation",
        {
            "source": "transcript",
            "transcript": TRANSCRIPT,
            "name": "Support chat",
            "enable_summary": True,
            "wait_for_result": True,
            "trackers": [{"name": "Competitor", "vocabulary": ["Globex"]}],
        },
        conn,
    )
    assert made[0] == "POST /v1/conversations" and made[-1].endswith("/insights")
    assert all(m.startswith("GET /v1/jobs/") for m in made[1:-1]) and 1 <= len(made) - 2 <= 4
    assert out["status"] == "completed" and set(out) == flat_fields(openapi)


def test_process_conversation_without_waiting_returns_the_ids(conn):
    out, made = app_runner.run(
        "module",
        "processConversation",
        {
            "source": "url",
            "url": "https://example.com/calls/demo.mp3",
            "enable_summary": True,
            "wait_for_result": False,
            "idempotency_key": "make-app-test-1",
        },
        conn,
    )
    assert made == ["POST /v1/conversations", f"GET /v1/conversations/{out['conversation_id']}/insights"]
    assert out["conversation_id"] and out["job_id"] and out["status"]


def test_append_then_get_insights(conn):
    first, _ = app_runner.run(
        "module",
        "processConversation",
        {"source": "transcript", "transcript": TRANSCRIPT, "enable_summary": True, "wait_for_result": True},
        conn,
    )
    out, made = app_runner.run(
        "module",
        "appendConversation",
        {
            "conversation_id": first["conversation_id"],
            "source": "transcript",
            "transcript": "Bob: One more thing.",
            "enable_summary": True,
            "wait_for_result": True,
        },
        conn,
    )
    assert made[0] == f"PUT /v1/conversations/{first['conversation_id']}"
    assert out["conversation_id"] == first["conversation_id"]
    got, made = app_runner.run(
        "module",
        "getInsights",
        {"conversation_id": first["conversation_id"], "include": ["summary", "action_items"], "wait": 10},
        conn,
    )
    assert made == [f"GET /v1/conversations/{first['conversation_id']}/insights"]
    assert got["conversation_id"] == first["conversation_id"] and "slack_text" in got


def test_list_conversations_rpc_feeds_the_dropdown(conn):
    options, made = app_runner.run("rpc", "listConversations", {}, conn)
    assert made == ["GET /v1/conversations"] and options
    assert all(set(o) == {"label", "value"} and o["value"] for o in options)


def test_make_an_api_call(conn):
    out, _ = app_runner.run("module", "makeApiCall", {"url": "/v1/me", "method": "GET", "headers": [], "qs": []}, conn)
    assert out["statusCode"] == 200 and out["body"]["key_id"]


def test_make_an_api_call_sends_mapped_headers_and_query_string(conn):
    app_runner.run(
        "module",
        "processConversation",
        {"source": "transcript", "transcript": TRANSCRIPT, "wait_for_result": False},
        conn,
    )
    out, made = app_runner.run(
        "module",
        "makeApiCall",
        {
            "url": "v1/conversations",
            "method": "GET",
            "headers": [{"key": "X-Request-Id", "value": "make-universal-1"}],
            "qs": [{"key": "limit", "value": "1"}],
        },
        conn,
    )
    assert made == ["GET /v1/conversations"]
    assert out["headers"]["x-request-id"] == "make-universal-1" and len(out["body"]["conversations"]) == 1


def test_make_an_api_call_never_leaves_the_connectors_url(conn, receiver):
    """An absolute URL (or a host trick) stays a path under the connection's URL: the key goes nowhere else."""
    for url in (receiver.url, "//" + receiver.url.split("://", 1)[1], "@127.0.0.1/x"):
        with pytest.raises(app_runner.AppError) as err:
            app_runner.run("module", "makeApiCall", {"url": url, "method": "GET", "headers": [], "qs": []}, conn)
        assert err.value.status == 404
    assert receiver.deliveries == []


def test_errors_carry_the_facades_message_and_type(conn):
    with pytest.raises(app_runner.AppError) as err:
        app_runner.run("module", "getInsights", {"conversation_id": "0000000000000000", "include": []}, conn)
    assert err.value.status == 404 and err.value.kind == "DataError"
    assert "conversation_not_found" in err.value.message and "[404]" in err.value.message
    bad = app_runner.Connection(url=conn.url, apiKey="wrong-key")
    with pytest.raises(app_runner.AppError) as err:
        app_runner.run("module", "getInsights", {"conversation_id": "0000000000000000", "include": []}, bad)
    assert err.value.kind == "InvalidAccessTokenError"
    with pytest.raises(app_runner.AppError) as err:
        app_runner.run(
            "module", "processConversation", {"source": "url", "url": "not a url", "wait_for_result": False}, conn
        )
    assert err.value.kind == "DataError" and err.value.status == 400


def test_connection_test_call(facade):
    _out, made = app_runner.run(
        "connection",
        "symblConnector",
        {"url": facade.url, "apiKey": facade.api_key},
        app_runner.Connection(url="", apiKey=""),
    )
    assert made and made[0].endswith("/v1/me")
