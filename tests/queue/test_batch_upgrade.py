"""A batch written before the store redesign (one ``batch:<id>`` value) is still answered after an
upgrade: real HTTP against a real facade and sandbox, the old value written into the facade's store."""

from __future__ import annotations

import json

from connector.app import describe
from tests.conftest import OTHER_KEY, Api

TRANSCRIPT = "Alice: Hello. Bob: Let's send the proposal on Friday."


def test_an_old_format_batch_answers_its_progress_and_insights(api: Api, app) -> None:
    done = []
    for n in range(2):
        answer = api.submit({"transcript": TRANSCRIPT, "name": f"old {n}"}, params={"wait": 30})
        assert answer.status_code == 200 and answer.json()["status"] == "completed", answer.text
        done.append(answer.json())
    store = describe(app).store
    first = store.get_submission(done[0]["job_id"])
    assert first is not None
    old = {
        "id": "batch-00000000-0000-4000-8000-000000000001", "api_key_id": first.api_key_id, "created_at": 1.0e9,
        "callback_url": None, "cancelled_at": None,
        "items": [["old 0", "rec-0", done[0]["job_id"], False], ["old 1", "rec-1", done[1]["job_id"], False]],
    }  # fmt: skip
    store.kv_set(f"batch:{old['id']}", json.dumps(old, separators=(",", ":")), 365 * 86400.0)

    progress = api.get(f"/v1/batches/{old['id']}")
    assert progress.status_code == 200, progress.text
    body = progress.json()
    assert body["status"] == "completed" and body["total"] == 2 and body["counts"]["completed"] == 2
    assert [(i["name"], i["key"], i["conversation_id"]) for i in body["items"]] == [
        ("old 0", "rec-0", done[0]["conversation_id"]),
        ("old 1", "rec-1", done[1]["conversation_id"]),
    ]

    insights = api.get(f"/v1/batches/{old['id']}/insights")
    assert insights.status_code == 200, insights.text
    lines = [json.loads(line) for line in insights.text.splitlines()]
    assert [(line["key"], line["status"], line["conversation_id"]) for line in lines] == [
        ("rec-0", "completed", done[0]["conversation_id"]),
        ("rec-1", "completed", done[1]["conversation_id"]),
    ]

    # moved, not copied: the old value is gone, and another key still does not see the batch
    assert store.kv_get(f"batch:{old['id']}") is None
    assert Api(api.url, OTHER_KEY).get(f"/v1/batches/{old['id']}").status_code == 404
