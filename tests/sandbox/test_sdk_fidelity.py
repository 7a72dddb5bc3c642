"""The official Python SDK (symbl 2.0.6 + symbl-rest 1.0.14) works end to end against the sandbox.

The SDK returns ``{'message': 'The conversationId is either invalid...'}`` on *any* error, including
a response it cannot deserialize, so every read is checked to be a real model object with content.
Install: ``pip install --no-deps symbl==2.0.6 symbl-rest==1.0.14 && pip install six python-dateutil
websocket-client``. A missing SDK fails this test on purpose.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.sandbox.conftest import APP_ID, APP_SECRET, Symbl

SCRIPT = Path(__file__).with_name("sdk_script.py")


def test_sdk_is_installed() -> None:
    probe = subprocess.run(
        [sys.executable, "-c", "import symbl_rest, dateutil, six, websocket"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, (
        "the official Symbl SDK is missing: pip install --no-deps symbl==2.0.6 symbl-rest==1.0.14 "
        f"&& pip install six python-dateutil websocket-client\n{probe.stderr}"
    )


def test_official_sdk_processes_text_and_reads_every_part(base_url: str, symbl: Symbl) -> None:
    run = subprocess.run(
        [sys.executable, str(SCRIPT), base_url, APP_ID, APP_SECRET], capture_output=True, text=True, timeout=90
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])

    expected = {
        "messages": ("MessageListResponse", "messages"),
        "topics": ("TopicListResponse", "topics"),
        "parent_topics": ("TopicListResponse", "topics"),
        "action_items": ("ActionItemListResponse", "action_items"),
        "questions": ("QuestionListResponse", "questions"),
        "follow_ups": ("FollowUpListResponse", "follow_ups"),
        "members": ("MemberListResponse", "members"),
        "entities": ("dict", "entities"),  # the SDK post-processes non-empty entities into a dict
        "analytics": ("AnalyticsListResponse", "members"),
        "audio_messages": ("MessageListResponse", "messages"),
    }
    for part, (model, key) in expected.items():
        got = out[part]
        assert got["type"] == model, f"{part}: the SDK returned {got}"
        assert got["data"][key], f"{part}: empty {key}"
        assert "message" not in got["data"], f"{part}: the SDK reported an error: {got}"

    messages = out["messages"]["data"]["messages"]
    assert messages[0]["text"].startswith("Hi Bob") and messages[0]["_from"]["name"] == "Alice"
    assert messages[0]["sentiment"]["suggested"] in ("positive", "neutral", "negative")
    assert messages[0]["words"]
    assert {m["_from"]["name"] for m in out["audio_messages"]["data"]["messages"]} == {"Speaker 1", "Speaker 2"}
    action = out["action_items"]["data"]["action_items"][0]
    assert action["text"] == "I will send you the proposal by Friday."
    assert action["assignee"]["name"] == "Alice" and action["due_by"].startswith("2024-01-19")
    assert out["questions"]["data"]["questions"][0]["text"] == "What does your team need?"
    assert "follow-up" in out["follow_ups"]["data"]["follow_ups"][0]["text"]
    assert {m["name"] for m in out["members"]["data"]["members"]} == {"Alice", "Bob"}
    entities = out["entities"]["data"]["entities"]
    assert {"person", "organization", "date"} <= {e["type"] for e in entities}
    assert all(e["message_refs"] for e in entities)
    assert out["analytics"]["data"]["metrics"]
    assert out["conversation"]["type"] == "ConversationDataListResponse"
    assert out["conversation"]["data"]["id"] == out["conversation_id"]["data"]
    trackers = out["trackers"]
    assert trackers["type"] == "list" and trackers["items"][0]["data"]["name"] == "Competitors"

    stats = symbl.control("GET", "/stats").json()
    assert stats["requests"]["POST /oauth2/token:generate"] == 1
    assert stats["status_calls"][out["job_id"]["data"]] >= 1
