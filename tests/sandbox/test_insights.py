"""Insights derived from a realistic sales call: plausible, and deterministic."""

from __future__ import annotations

from typing import Any

from tests.sandbox.conftest import Symbl, text_body


def parts(symbl: Symbl, conversation_id: str) -> dict[str, Any]:
    base = f"/v1/conversations/{conversation_id}"
    return {
        "questions": symbl.get(f"{base}/questions").json()["questions"],
        "actions": symbl.get(f"{base}/action-items").json()["actionItems"],
        "follow_ups": symbl.get(f"{base}/follow-ups").json()["followUps"],
        "entities": symbl.get(f"{base}/entities").json()["entities"],
        "topics": symbl.get(f"{base}/topics?sentiment=true").json()["topics"],
        "trackers": symbl.get(f"{base}/trackers-detected").json(),
        "messages": symbl.get(f"{base}/messages?sentiment=true").json()["messages"],
        "summary": symbl.get(f"{base}/summary").json()["summary"],
        "analytics": symbl.get(f"{base}/analytics").json(),
    }


def test_questions_come_from_question_sentences(symbl: Symbl, sales_call: str) -> None:
    questions = parts(symbl, sales_call)["questions"]
    assert [q["text"] for q in questions] == ["What does the enterprise plan cost?"]
    assert questions[0]["from"]["name"] == "Bob"


def test_action_items_have_assignees_and_due_dates(symbl: Symbl, sales_call: str) -> None:
    actions = {a["text"]: a for a in parts(symbl, sales_call)["actions"]}
    mine = actions["I will send you the pricing proposal by Friday."]
    assert mine["assignee"]["name"] == "Alice" and mine["assignee"]["email"] == "alice@acme.com"
    assert mine["dueBy"] == "2024-01-19T00:00:00.000Z"  # the Friday after Monday 2024-01-15
    assert mine["definitive"] is True
    theirs = actions["Bob, can you share your security requirements tomorrow."]
    assert theirs["assignee"]["name"] == "Bob" and theirs["from"]["name"] == "Alice"
    assert theirs["dueBy"] == "2024-01-16T00:00:00.000Z"
    assert {"type": "person", "text": "Bob", "offset": 0, "value": {"assignee": True, "name": "Bob"}} in theirs[
        "entities"
    ]


def test_follow_ups(symbl: Symbl, sales_call: str) -> None:
    follow_ups = parts(symbl, sales_call)["follow_ups"]
    assert [f["text"] for f in follow_ups] == ["Let's schedule a follow-up call next week to review the proposal."]
    assert follow_ups[0]["dueBy"] == "2024-01-22T00:00:00.000Z"


def test_entities_persons_organisations_dates_money_and_custom(symbl: Symbl, sales_call: str) -> None:
    found = {(e["type"], e["value"]) for e in parts(symbl, sales_call)["entities"]}
    assert {
        ("person", "Alice"),
        ("person", "Bob"),
        ("organization", "Acme Corp"),
        ("organization", "Gong"),
        ("organization", "Salesforce"),
        ("date", "2024-01-19"),
        ("money", "12000 USD"),
    } <= found
    custom = [e for e in parts(symbl, sales_call)["entities"] if e["type"] == "custom"]
    assert custom[0]["customType"] == "Product" and custom[0]["value"] == "enterprise plan"
    assert len(custom[0]["messageRefs"]) == 2


def test_tracker_hit_points_at_message_and_sentiment_is_plausible(symbl: Symbl, sales_call: str) -> None:
    got = parts(symbl, sales_call)
    assert got["trackers"][0]["matches"][0]["messageRefs"][0]["text"].endswith("their pricing was frustrating.")
    labels = {m["text"]: m["sentiment"]["suggested"] for m in got["messages"]}
    assert labels["Honestly, we are also looking at Gong, but their pricing was frustrating."] == "negative"
    assert labels["This sounds great, I really like the Salesforce integration."] == "positive"
    assert labels["What does the enterprise plan cost?"] == "neutral"


def test_topics_and_summary(symbl: Symbl, sales_call: str) -> None:
    got = parts(symbl, sales_call)
    texts = [t["text"] for t in got["topics"]]
    assert "pricing" in texts and "enterprise plan" in texts and "alice" not in texts
    assert got["summary"][0]["text"].startswith("Alice and Bob discussed")
    assert any("I will send you the pricing proposal by Friday" in s["text"] for s in got["summary"])


def test_confidence_threshold_drops_weak_insights(symbl: Symbl) -> None:
    loose = parts(symbl, symbl.processed(text_body()))
    strict = parts(symbl, symbl.processed(text_body(confidenceThreshold=0.9)))
    assert len(strict["actions"]) < len(loose["actions"])
    assert all(a["score"] >= 0.9 for a in strict["actions"] + strict["questions"])


def test_same_input_gives_same_output(symbl: Symbl) -> None:
    body = text_body(detectEntities=True, trackers=[{"name": "Competitors", "vocabulary": ["Gong"]}])
    first_id = symbl.processed(body)
    first, second = parts(symbl, first_id), parts(symbl, symbl.processed(body))

    def content(got: dict[str, Any]) -> dict[str, Any]:
        return {
            "questions": [(q["text"], q["score"]) for q in got["questions"]],
            "actions": [(a["text"], a["score"], a["assignee"].get("name"), a.get("dueBy")) for a in got["actions"]],
            "topics": [(t["text"], t["score"]) for t in got["topics"]],
            "entities": [(e["type"], e["value"]) for e in got["entities"]],
            "summary": [s["text"] for s in got["summary"]],
            "analytics": got["analytics"]["metrics"],
        }

    assert content(first) == content(second)
    assert parts(symbl, first_id) == first  # ids included: re-reading one conversation never changes anything
