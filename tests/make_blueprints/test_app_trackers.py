"""The custom app's saved-tracker parts against the sandbox facade, as Make would run them: the
List Trackers RPC behind Process a Conversation's "Saved Trackers" select, and the Create or
Update Tracker module (create, then update on a second run, then unchanged)."""

from __future__ import annotations

import time

import pytest
import requests

from make_blueprints.scripts import check_app
from tests.make_blueprints import app_runner

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def conn(facade):
    return app_runner.Connection(url=facade.url, apiKey=facade.api_key)


def test_process_conversation_has_a_saved_trackers_select_fed_by_the_rpc():
    modules = check_app.manifest()["components"]["module"]
    params = check_app.read_json(modules["processConversation"]["codeFiles"]["mappableParams"])
    (field,) = [p for p in params if p["name"] == "tracker_names"]
    assert (field["type"], field["options"], field["multiple"]) == ("select", "rpc://listTrackers", True)
    api = check_app.read_json(modules["processConversation"]["codeFiles"]["communication"])
    assert api[0]["body"]["tracker_names"] == "{{ifempty(parameters.tracker_names, undefined)}}"


def test_create_then_update_then_unchanged(conn, facade):
    name = f"Make competitor {time.time_ns()}"
    out, made = app_runner.run(
        "module", "createOrUpdateTracker", {"name": name, "vocabulary": ["Acme", "Globex"]}, conn
    )
    assert made == ["PUT /v1/trackers"]
    assert out == {
        "id": out["id"],
        "name": name,
        "vocabulary": ["Acme", "Globex"],
        "action": "created",
        "changed": True,
    }
    assert out["id"]
    interface = check_app.read_json(
        check_app.manifest()["components"]["module"]["createOrUpdateTracker"]["codeFiles"]["interface"]
    )
    assert set(out) == {f["name"] for f in interface}

    again, _ = app_runner.run(
        "module", "createOrUpdateTracker", {"name": name, "vocabulary": ["Acme", "Initech"]}, conn
    )
    assert again == {
        "id": out["id"],
        "name": name,
        "vocabulary": ["Acme", "Initech"],
        "action": "updated",
        "changed": True,
    }

    same, _ = app_runner.run("module", "createOrUpdateTracker", {"name": name, "vocabulary": ["Initech", "Acme"]}, conn)
    assert (same["id"], same["action"], same["changed"]) == (out["id"], "unchanged", False)

    listed = requests.get(
        f"{facade.url}/v1/trackers",
        params={"name": name},
        headers={"Authorization": f"Bearer {facade.api_key}"},
        timeout=30,
    ).json()["trackers"]
    assert [t["id"] for t in listed] == [out["id"]]


def test_rpc_lists_trackers_by_name_and_process_applies_the_picked_ones(conn):
    name = f"Make renewal {time.time_ns()}"
    app_runner.run("module", "createOrUpdateTracker", {"name": name, "vocabulary": ["renewal"]}, conn)
    options, made = app_runner.run("rpc", "listTrackers", {}, conn)
    assert made == ["GET /v1/trackers"]
    assert {"label": name, "value": name} in options
    assert all(set(o) == {"label", "value"} and o["value"] for o in options)

    out, _ = app_runner.run(
        "module",
        "processConversation",
        {
            "source": "transcript",
            "transcript": "Alice: Let us talk about the renewal.\nBob: Sure.",
            "enable_summary": True,
            "wait_for_result": True,
            "tracker_names": [name],
        },
        conn,
    )
    if out["status"] != "completed":
        # the facade may still answer 202 right after its job long-poll said completed (reported);
        # read the same conversation with a wait, as a scenario would with Get Insights
        out, _ = app_runner.run(
            "module", "getInsights", {"conversation_id": out["conversation_id"], "include": [], "wait": 10}, conn
        )
    assert out["status"] == "completed"
    assert name in [t["name"] for t in out["trackers"]]


def test_a_refused_phrase_shows_the_facades_message(conn):
    with pytest.raises(app_runner.AppError) as err:
        app_runner.run("module", "createOrUpdateTracker", {"name": "Make bad", "vocabulary": ["what price?"]}, conn)
    assert err.value.kind == "DataError" and err.value.status == 400
    assert "invalid_tracker" in err.value.message and "what price?" in err.value.message
