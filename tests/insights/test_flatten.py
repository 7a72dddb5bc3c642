"""flatten(): Symbl's bodies in, the flat contract out, every field filled."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from connector.insights.contract import FlatInsights, InsightWarning, Links
from connector.insights.flatten import flatten, sentiment_label
from connector.insights.raw import RawInsights
from connector.insights.samples import SAMPLE_LINKS, SAMPLE_RAW, sample_flat


def raw(**parts: Any) -> RawInsights:
    """A RawInsights for conversation 1234567890123456 with the given parts."""
    return RawInsights(conversation_id="1234567890123456", job_id="job-1", **parts)


def message(text: str, name: Any = "Alice", score: float | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": "1", "text": text, "from": {"name": name} if isinstance(name, str) else name}
    if score is not None:
        body["sentiment"] = {"polarity": {"score": score}}
    return {**body, **extra}


# --- the realistic sample ---------------------------------------------------------------------


def test_sample_identity_and_people() -> None:
    flat = sample_flat()
    assert (flat.conversation_id, flat.job_id, flat.status) == (
        "5179649407582208",
        "9b0a1c6e-3f2d-4c5b-8a7e-1d2c3b4a5f60",
        "completed",
    )
    assert flat.name == "Discovery call: Acme Corp"
    assert flat.start_time == "2024-03-12T15:00:00.000Z"
    assert flat.end_time == "2024-03-12T15:14:02.500Z"
    assert flat.duration_seconds == 842.5
    assert flat.language == "en-US"
    assert flat.speakers == "Alice Carter, Bob Diaz"
    assert flat.speaker_count == 2
    assert flat.talk_time == "Alice Carter 56%, Bob Diaz 44%"
    assert [m.model_dump() for m in flat.members] == [
        {
            "name": "Alice Carter",
            "email": "alice@northwind.example.com",
            "talk_seconds": 73.5,
            "talk_percent": 55.6,
            "wpm": 148,
        },
        {
            "name": "Bob Diaz",
            "email": "bob.diaz@acme.example.com",
            "talk_seconds": 59.8,
            "talk_percent": 44.4,
            "wpm": 131,
        },
    ]


def test_sample_text_fields() -> None:
    flat = sample_flat()
    assert flat.summary.startswith("Bob Diaz from Acme Corp is evaluating")
    assert flat.summary.endswith("pending a security review.")
    assert flat.topics == "volume pricing, security review, agent onboarding, pilot"
    assert flat.action_items_text == (
        "- I'll send the revised proposal with volume pricing by Friday. (Alice Carter, due 2024-03-15)\n"
        "- Bob, you'll need to loop in your security team to review the data processing agreement. (Bob Diaz)"
    )
    assert flat.questions_text == (
        "- How does your pricing compare to Globex? (Bob Diaz)\n"
        "- Can we start with a pilot for the support team? (Bob Diaz)"
    )
    assert flat.follow_ups_text == (
        "- Let's schedule a follow-up demo with your security team next Tuesday. (Alice Carter, due 2024-03-19)"
    )
    assert flat.entities_text == "organization: Globex\nperson: bob\ndate: 2024-03-15\ncustom: security team"
    assert flat.trackers_text == (
        "Competitor (2): Sure. We're evaluating a few vendors for support call analytics, Globex among them."
    )
    lines = flat.transcript_text.split("\n")
    assert len(lines) == 12 and not flat.transcript_truncated
    assert lines[0] == "Alice Carter: Hi Bob, thanks for making time today."
    assert lines[-1] == "Bob Diaz: Sounds good, talk then."


def test_sample_numbers_and_flags() -> None:
    flat = sample_flat()
    assert (flat.topic_count, flat.action_item_count, flat.question_count, flat.follow_up_count) == (4, 2, 2, 1)
    assert flat.tracker_hit_count == 2
    assert flat.tracker_names == "Competitor"
    assert flat.sentiment_score == 0.335
    assert flat.sentiment_label == "positive"
    assert flat.has_action_items is True
    assert flat.is_negative is False


def test_sample_line_items() -> None:
    flat = sample_flat()
    assert [a.model_dump() for a in flat.action_items] == [
        {
            "text": "I'll send the revised proposal with volume pricing by Friday.",
            "assignee": "Alice Carter",
            "assignee_email": "alice@northwind.example.com",
            "due": "2024-03-15T17:00:00.000Z",
            "score": 0.94,
        },
        {
            "text": "Bob, you'll need to loop in your security team to review the data processing agreement.",
            "assignee": "Bob Diaz",
            "assignee_email": "bob.diaz@acme.example.com",
            "due": "",
            "score": 0.87,
        },
    ]
    assert [q.model_dump() for q in flat.questions] == [
        {"text": "How does your pricing compare to Globex?", "asked_by": "Bob Diaz"},
        {"text": "Can we start with a pilot for the support team?", "asked_by": "Bob Diaz"},
    ]
    assert flat.follow_ups[0].due == "2024-03-19T07:00:00.000Z"
    assert [(t.text, t.score, t.sentiment) for t in flat.topic_list] == [
        ("volume pricing", 0.92, "positive"),
        ("security review", 0.71, "neutral"),
        ("agent onboarding", 0.64, "neutral"),
        ("pilot", 0.48, "positive"),
    ]
    assert [(e.type, e.value, e.text) for e in flat.entities] == [
        ("organization", "Globex", "Globex"),
        ("person", "bob", "Bob"),
        ("date", "2024-03-15", "Friday"),
        ("custom", "security team", "security team"),
    ]
    assert [t.model_dump() for t in flat.trackers] == [
        {
            "name": "Competitor",
            "count": 2,
            "example": "Sure. We're evaluating a few vendors for support call analytics, Globex among them.",
        }
    ]


def test_sample_links_messages_and_round_trip() -> None:
    flat = sample_flat()
    assert flat.links == SAMPLE_LINKS
    assert flat.warnings == []
    assert flat.slack_text and flat.crm_note and json.loads(flat.slack_blocks)
    assert FlatInsights.model_validate_json(flat.model_dump_json()) == flat


# --- empty and missing ------------------------------------------------------------------------


EMPTY_EXPECTED = {
    "conversation_id": "1234567890123456",
    "job_id": "job-1",
    "status": "completed",
    "name": "1234567890123456",
    "start_time": "",
    "end_time": "",
    "duration_seconds": 0.0,
    "language": "en-US",
    "speakers": "",
    "speaker_count": 0,
    "talk_time": "",
    "summary": "",
    "topics": "",
    "action_items_text": "",
    "questions_text": "",
    "follow_ups_text": "",
    "entities_text": "",
    "trackers_text": "",
    "transcript_text": "",
    "transcript_truncated": False,
    "topic_count": 0,
    "action_item_count": 0,
    "question_count": 0,
    "follow_up_count": 0,
    "tracker_hit_count": 0,
    "sentiment_score": 0.0,
    "sentiment_label": "",
    "has_action_items": False,
    "is_negative": False,
    "tracker_names": "",
    "action_items": [],
    "questions": [],
    "follow_ups": [],
    "topic_list": [],
    "entities": [],
    "trackers": [],
    "members": [],
    "links": {"insights": "", "job": ""},
    "warnings": [],
    "call_score": None,
    "call_score_summary": "",
    "call_score_text": "",
    "call_score_criteria": [],
    "answer": "",
    "answers": {},
    "summary_url": "",
}


def test_empty_input_gives_every_key_with_empty_values() -> None:
    data = flatten(raw()).model_dump()
    assert set(data) == set(FlatInsights.model_fields)
    for key in ("slack_text", "slack_blocks", "crm_note"):
        assert isinstance(data.pop(key), str)
    assert data == EMPTY_EXPECTED


@pytest.mark.parametrize(
    "parts",
    [
        {"messages": {"messages": None}, "topics": {"topics": None}, "action_items": {"actionItems": None}},
        {"messages": {"messages": "oops"}, "questions": {"questions": [None, 3, "x"]}, "trackers": [None, 1]},
        {"entities": {"entities": [{}]}, "analytics": {"members": [{"talkTime": None, "pace": None}]}},
        {"summary": {"summary": [{"text": None}]}, "follow_ups": {"followUps": [{"text": ""}]}},
        {"conversation": {"members": None, "name": None, "startTime": 7, "endTime": "not a time"}},
        {"messages": {"unexpected": []}, "analytics": {"metrics": "x", "members": "y"}},
        {"trackers": [{"name": "X", "matches": None}, {"name": None, "matches": [{}]}]},
    ],
)
def test_odd_or_null_parts_are_empty_not_errors(parts: dict[str, Any]) -> None:
    data = flatten(raw(**parts)).model_dump()
    for key in ("slack_text", "slack_blocks", "crm_note"):
        data.pop(key)
    assert data == EMPTY_EXPECTED


def test_name_falls_back_to_conversation_name_then_id_and_argument_wins() -> None:
    assert flatten(raw()).name == "1234567890123456"
    conversation = {"name": "Weekly sync"}
    assert flatten(raw(conversation=conversation)).name == "Weekly sync"
    assert flatten(raw(conversation=conversation), name="Renamed").name == "Renamed"


def test_language_argument_and_default() -> None:
    assert flatten(raw(), language="de-DE").language == "de-DE"
    assert flatten(raw(), language="  ").language == "en-US"


def test_links_and_status_and_warnings_propagate() -> None:
    warning = InsightWarning(part="topics", code="symbl_unavailable", message="Symbl did not answer.")
    source = RawInsights(conversation_id="1", job_id="j", status="in_progress", warnings=[warning])
    flat = flatten(source, links=Links(insights="https://x.example.com/i", job="https://x.example.com/j"))
    assert flat.status == "in_progress"
    assert flat.warnings == [warning] and flat.warnings[0] is not warning
    assert flat.links.insights == "https://x.example.com/i"


# --- odd shapes -------------------------------------------------------------------------------


def test_null_from_and_string_from() -> None:
    messages = [message("Hello.", name=None), message("Hi.", name="Bob"), {"text": "Bare.", "from": "Carol"}]
    flat = flatten(raw(messages={"messages": messages}))
    assert flat.transcript_text == "Hello.\nBob: Hi.\nCarol: Bare."
    assert flat.speakers == "Bob, Carol"
    questions = {"questions": [{"text": "Why?", "from": None}, {"text": "How?"}]}
    assert [q.asked_by for q in flatten(raw(questions=questions)).questions] == ["", ""]
    assert flatten(raw(questions=questions)).questions_text == "- Why?\n- How?"


def test_assignee_only_name_and_missing_due_and_entity_fallback() -> None:
    items = {
        "actionItems": [
            {"text": "Call the bank.", "assignee": {"name": "Vikram"}},
            {
                "text": "Book the room.",
                "assignee": {},
                "entities": [{"type": "person", "text": "Lucy", "value": {"assignee": True, "name": "Lucy Liu"}}],
            },
            {
                "text": "Plan it.",
                "assignee": {"id": "u", "name": "Ann", "userId": "ann@example.com"},
                "dueBy": "2020-07-11T07:00:00.000Z",
                "score": "0.5",
            },
            {
                "text": "Nobody's.",
                "assignee": None,
                "entities": [{"type": "person", "text": "Rick", "value": {"name": "Rick"}}],
            },
        ]
    }
    flat = flatten(raw(action_items=items))
    assert [(a.assignee, a.assignee_email, a.due, a.score) for a in flat.action_items] == [
        ("Vikram", "", "", 0.0),
        ("Lucy Liu", "", "", 0.0),
        ("Ann", "ann@example.com", "2020-07-11T07:00:00.000Z", 0.5),
        ("", "", "", 0.0),
    ]
    assert flat.action_items_text == (
        "- Call the bank. (Vikram)\n- Book the room. (Lucy Liu)\n- Plan it. (Ann, due 2020-07-11)\n- Nobody's."
    )


def test_follow_up_due_without_assignee() -> None:
    follow_ups = {
        "followUps": [{"text": "Meet Richard.", "from": {}, "assignee": {}, "dueBy": "2020-06-22T07:00:00.000Z"}]
    }
    flat = flatten(raw(follow_ups=follow_ups))
    assert flat.follow_ups_text == "- Meet Richard. (due 2020-06-22)"
    assert flat.follow_up_count == 1


def test_entity_values_dicts_ranges_and_dedup() -> None:
    entities = {
        "entities": [
            {"type": "person", "text": "Richard Holmes", "value": {"name": "Richard Holmes"}},
            {
                "type": "datetimerange",
                "text": "yesterday evening",
                "start": "2020-06-21 16:00:00",
                "end": "2020-06-21 20:00:00",
            },
            {"type": "number", "text": "five", "value": 5},
            {"type": "date", "text": "today", "value": "2020-06-22"},
            {"type": "date", "text": "Monday", "value": "2020-06-22"},
            {"type": "date", "text": "today", "value": "2020-06-22"},
        ]
    }
    flat = flatten(raw(entities=entities))
    assert [(e.type, e.value, e.text) for e in flat.entities] == [
        ("person", "Richard Holmes", "Richard Holmes"),
        ("datetimerange", "2020-06-21 16:00:00 – 2020-06-21 20:00:00", "yesterday evening"),
        ("number", "5", "five"),
        ("date", "2020-06-22", "today"),
        ("date", "2020-06-22", "Monday"),
    ]
    assert flat.entities_text == (
        "person: Richard Holmes\ndatetimerange: 2020-06-21 16:00:00 – 2020-06-21 20:00:00\nnumber: 5\ndate: 2020-06-22"
    )


def test_newer_entities_shape_with_matches() -> None:
    entities = {
        "entities": [
            {
                "id": "1",
                "type": "person",
                "subType": "",
                "category": "Managed",
                "matches": [
                    {"detectedValue": "Jamie Smith", "messageRefs": [{"id": "9", "text": "The name is Jamie Smith."}]},
                    {"detectedValue": "Peter", "messageRefs": []},
                ],
            },
            {
                "id": "2",
                "type": "Company Executives",
                "category": "Custom",
                "matches": [{"detectedValue": "marketing director"}],
            },
            {"id": "3", "type": "date", "matches": [{"detectedValue": None}, "junk"]},
        ]
    }
    flat = flatten(raw(entities=entities))
    assert [(e.type, e.value, e.text) for e in flat.entities] == [
        ("person", "Jamie Smith", "Jamie Smith"),
        ("person", "Peter", "Peter"),
        ("Company Executives", "marketing director", "marketing director"),
    ]


@pytest.mark.parametrize("key", ["percentage", "percent"])
def test_analytics_talk_time_accepts_percentage_and_percent(key: str) -> None:
    analytics = {
        "members": [
            {"name": "Alice", "email": "a@example.com", "talkTime": {key: 62.5, "seconds": 50}, "pace": {"wpm": 120.4}},
            {"name": "Bob", "userId": "b@example.com", "talkTime": {key: 37.5, "seconds": 30}},
        ]
    }
    flat = flatten(raw(analytics=analytics))
    assert flat.talk_time == "Alice 63%, Bob 38%"
    assert [(m.name, m.email, m.talk_seconds, m.talk_percent, m.wpm) for m in flat.members] == [
        ("Alice", "a@example.com", 50.0, 62.5, 120),
        ("Bob", "b@example.com", 30.0, 37.5, 0),
    ]


def test_email_from_user_id_only_when_it_is_an_address() -> None:
    analytics = {"members": [{"name": "Ann", "userId": "agent-42"}, {"name": "Ben", "userId": "ben@example.com"}]}
    flat = flatten(raw(analytics=analytics))
    assert [(m.name, m.email) for m in flat.members] == [("Ann", ""), ("Ben", "ben@example.com")]


def test_talk_time_falls_back_to_message_durations() -> None:
    messages = [
        message("One.", "Alice", duration=30.0),
        message("Two.", "Bob", startTime="2024-01-01T00:00:30Z", endTime="2024-01-01T00:00:40Z"),
        message("Three.", "Alice", duration=20.0),
    ]
    flat = flatten(raw(messages={"messages": messages}))
    assert flat.talk_time == "Alice 83%, Bob 17%"
    assert [(m.talk_seconds, m.talk_percent) for m in flat.members] == [(50.0, 83.3), (10.0, 16.7)]


def test_speakers_in_order_of_first_appearance_across_sources() -> None:
    flat = flatten(
        raw(
            conversation={"members": [{"name": "Zoe"}, {"name": ""}]},
            analytics={"members": [{"name": "Yan"}, {"name": "Zoe"}]},
            messages={"messages": [message("a", "Xi"), message("b", "Yan"), message("c", "Wu"), message("d", "Xi")]},
        )
    )
    assert flat.speakers == "Zoe, Yan, Xi, Wu"
    assert flat.speaker_count == 4
    assert [m.name for m in flat.members] == ["Zoe", "Yan", "Xi", "Wu"]


def test_duration_from_conversation_then_messages() -> None:
    conversation = {"startTime": "2021-07-23T16:31:29.798Z", "endTime": "2021-07-23T16:32:20.826Z"}
    assert flatten(raw(conversation=conversation)).duration_seconds == 51.028
    messages = [
        message("a", startTime="2020-07-10T11:16:00.000Z", endTime="2020-07-10T11:16:05.000Z"),
        message("b", startTime="2020-07-10T11:16:06.000Z", endTime="2020-07-10T11:16:21.500Z"),
    ]
    flat = flatten(raw(messages={"messages": messages}))
    assert flat.duration_seconds == 21.5
    assert (flat.start_time, flat.end_time) == ("2020-07-10T11:16:00.000Z", "2020-07-10T11:16:21.500Z")
    offsets = [message("a", timeOffset=0, duration=4.5), message("b", timeOffset=5.9, duration=5.7)]
    assert flatten(raw(messages={"messages": offsets})).duration_seconds == 11.6


def test_topics_sorted_by_score_with_sentiment_from_polarity() -> None:
    topics = {
        "topics": [
            {"text": "low", "score": 0.2, "sentiment": {"polarity": {"score": -0.5}}},
            {"text": "high", "score": 0.9, "sentiment": {"suggested": "Positive"}},
            {"text": "none", "score": 0.5},
            {"text": "", "score": 1.0},
        ]
    }
    flat = flatten(raw(topics=topics))
    assert flat.topics == "high, none, low"
    assert [(t.text, t.sentiment) for t in flat.topic_list] == [("high", "positive"), ("none", ""), ("low", "negative")]
    assert flat.topic_count == 3


def test_trackers_count_distinct_message_refs_and_merge_by_name() -> None:
    trackers = [
        {
            "name": "Pricing",
            "matches": [
                {
                    "value": "What is the price",
                    "messageRefs": [{"id": "1", "text": "How much does it cost?", "offset": -1}],
                },
                {
                    "value": "cost",
                    "messageRefs": [{"id": "1", "text": "How much does it cost?"}, {"id": "2", "text": "Costly."}],
                },
            ],
        },
        {
            "name": "Competitor",
            "matches": [
                {"value": "Globex", "messageRefs": [], "insightRefs": [{"id": "q1", "text": "Is Globex cheaper?"}]}
            ],
        },
        {"name": "Pricing", "matches": [{"value": "budget", "messageRefs": [{"id": "3", "text": "Our budget."}]}]},
        {"name": "Unmatched", "matches": []},
    ]
    flat = flatten(raw(trackers=trackers))
    assert [(t.name, t.count, t.example) for t in flat.trackers] == [
        ("Pricing", 3, "How much does it cost?"),
        ("Competitor", 1, "Is Globex cheaper?"),
    ]
    assert flat.tracker_hit_count == 4
    assert flat.tracker_names == "Pricing, Competitor"
    assert flat.trackers_text == "Pricing (3): How much does it cost?\nCompetitor (1): Is Globex cheaper?"


@pytest.mark.parametrize(
    ("scores", "score", "label"),
    [
        ([0.9, 0.5], 0.7, "positive"),
        ([-0.9, -0.5], -0.7, "negative"),
        ([0.3, 0.3], 0.3, "neutral"),
        ([-0.3], -0.3, "neutral"),
        ([0.31], 0.31, "positive"),
        ([0.1234567], 0.123, "neutral"),
    ],
)
def test_sentiment_mean_and_thresholds(scores: list[float], score: float, label: str) -> None:
    messages = [message("same length", score=s) for s in scores]
    flat = flatten(raw(messages={"messages": messages}))
    assert (flat.sentiment_score, flat.sentiment_label, flat.is_negative) == (score, label, label == "negative")


def test_sentiment_is_weighted_by_length_and_empty_without_scores() -> None:
    messages = [message("x" * 30, score=1.0), message("y" * 10, score=-1.0), message("no score")]
    assert flatten(raw(messages={"messages": messages})).sentiment_score == 0.5
    unscored = flatten(raw(messages={"messages": [message("hello")]}))
    assert (unscored.sentiment_score, unscored.sentiment_label) == (0.0, "")
    assert sentiment_label(0.3) == "neutral" and sentiment_label(-0.31) == "negative"


# --- transcript -------------------------------------------------------------------------------


def test_transcript_cut_at_line_boundary() -> None:
    messages = [message(f"line {i}", "A") for i in range(10)]  # "A: line i" = 9 chars each
    flat = flatten(raw(messages={"messages": messages}), transcript_max_chars=30)
    assert flat.transcript_text == "A: line 0\nA: line 1\nA: line 2"
    assert flat.transcript_truncated is True
    exact = flatten(raw(messages={"messages": messages[:3]}), transcript_max_chars=29)
    assert exact.transcript_text == "A: line 0\nA: line 1\nA: line 2" and not exact.transcript_truncated


def test_transcript_first_line_too_long_is_cut_inside_with_ellipsis() -> None:
    flat = flatten(raw(messages={"messages": [message("word " * 50, "Alice")]}), transcript_max_chars=40)
    assert len(flat.transcript_text) <= 40
    assert flat.transcript_text.startswith("Alice: word word") and flat.transcript_text.endswith("…")
    assert flat.transcript_truncated is True


def test_transcript_newlines_inside_messages_are_flattened() -> None:
    flat = flatten(raw(messages={"messages": [message("one\ntwo\r\n three", "Al"), message("  ", "Bo")]}))
    assert flat.transcript_text == "Al: one two three"


# --- scale and purity -------------------------------------------------------------------------


def test_ten_thousand_messages() -> None:
    speakers = ["Alice", "Bob", "Carol"]
    messages = [
        {
            "id": str(i),
            "text": f"Message number {i} about the plan.",
            "from": {"name": speakers[i % 3]},
            "startTime": f"2024-01-01T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}.000Z",
            "endTime": f"2024-01-01T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}.900Z",
            "duration": 0.9,
            "sentiment": {"polarity": {"score": 0.5 if i % 2 else -0.1}},
        }
        for i in range(10_000)
    ]
    flat = flatten(raw(messages={"messages": messages}))
    assert flat.speakers == "Alice, Bob, Carol"
    assert flat.talk_time == "Alice 33%, Bob 33%, Carol 33%"
    assert flat.transcript_truncated is True
    assert len(flat.transcript_text) <= 20_000
    assert flat.transcript_text.startswith("Alice: Message number 0 about the plan.\nBob: Message number 1")
    assert flat.duration_seconds == 9999.9
    assert flat.sentiment_label == "neutral" and 0.19 < flat.sentiment_score < 0.21
    full = flatten(raw(messages={"messages": messages}), transcript_max_chars=10_000_000)
    assert full.transcript_text.count("\n") == 9_999 and not full.transcript_truncated


def test_deterministic_and_does_not_mutate_input() -> None:
    before = copy.deepcopy(SAMPLE_RAW.model_dump())
    first = flatten(SAMPLE_RAW, links=SAMPLE_LINKS).model_dump_json()
    second = flatten(RawInsights.model_validate(before), links=SAMPLE_LINKS).model_dump_json()
    assert first == second
    assert SAMPLE_RAW.model_dump() == before


def test_flatten_module_does_no_io() -> None:
    import connector.insights.flatten as module

    source = Path(module.__file__).read_text(encoding="utf-8")
    for forbidden in ("import requests", "import time", "import random", "open(", "datetime.now", "import os"):
        assert forbidden not in source
