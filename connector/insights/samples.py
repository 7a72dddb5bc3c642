"""A realistic sample conversation in Symbl's own shapes, and its flat form. No IO.

A 14-minute discovery call between Alice Carter (account executive, Northwind) and Bob Diaz
(operations lead, Acme Corp): two action items (one with assignee and due date), two questions,
one follow-up, topics, entities, a "Competitor" tracker hit, a summary and analytics.
Connectors use `sample_flat()` for their samples and docs; tests use `SAMPLE_RAW`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from connector.insights.contract import FlatInsights, Links
from connector.insights.flatten import flatten
from connector.insights.raw import RawInsights

CONVERSATION_ID = "5179649407582208"
JOB_ID = "9b0a1c6e-3f2d-4c5b-8a7e-1d2c3b4a5f60"
SAMPLE_LINKS = Links(
    insights=f"https://connector.example.com/v1/conversations/{CONVERSATION_ID}/insights",
    job=f"https://connector.example.com/v1/jobs/{JOB_ID}",
)

_START = datetime(2024, 3, 12, 15, 0, 0, tzinfo=UTC)
_ALICE = {"id": "0c7e9a52-6a1e-4f0b-9a43-2d5f1c8e7b10", "name": "Alice Carter", "userId": "alice@northwind.example.com"}
_BOB = {"id": "7f3b2d91-4c8a-4e6f-b1d2-9a0c5e3f8d21", "name": "Bob Diaz", "userId": "bob.diaz@acme.example.com"}


def _iso(offset: float) -> str:
    return (_START + timedelta(seconds=offset)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _message(
    number: int, speaker: dict[str, str], offset: float, duration: float, text: str, score: float
) -> dict[str, Any]:
    """One message exactly as GET .../messages?sentiment=true returns it."""
    suggested = "positive" if score > 0.3 else "negative" if score < -0.3 else "neutral"
    return {
        "id": f"60012{number:011d}",
        "text": text,
        "from": dict(speaker),
        "startTime": _iso(offset),
        "endTime": _iso(offset + duration),
        "timeOffset": offset,
        "duration": duration,
        "conversationId": CONVERSATION_ID,
        "phrases": [],
        "sentiment": {"polarity": {"score": score}, "suggested": suggested},
    }


_MESSAGES = [
    _message(1, _ALICE, 0.0, 6.4, "Hi Bob, thanks for making time today.", 0.7),
    _message(
        2, _BOB, 7.1, 9.8, "Sure. We're evaluating a few vendors for support call analytics, Globex among them.", 0.3
    ),
    _message(3, _ALICE, 17.5, 12.2, "What does your current onboarding process look like for new support agents?", 0.0),
    _message(
        4,
        _BOB,
        30.4,
        21.6,
        "Mostly shadowing for two weeks. It works, but it's slow and we can't see what good calls have in common.",
        0.0,
    ),
    _message(
        5,
        _ALICE,
        52.8,
        18.3,
        "That's exactly where volume pricing and the coaching dashboard help. "
        "I'll send the revised proposal with volume pricing by Friday.",
        0.6,
    ),
    _message(6, _BOB, 71.9, 8.7, "How does your pricing compare to Globex?", 0.0),
    _message(7, _ALICE, 81.2, 16.0, "We're usually below Globex at your volume, and onboarding is included.", 0.5),
    _message(8, _BOB, 98.0, 7.5, "Can we start with a pilot for the support team?", 0.2),
    _message(
        9,
        _ALICE,
        106.3,
        11.4,
        "Yes, a 30-day pilot works. Bob, you'll need to loop in your security team "
        "to review the data processing agreement.",
        0.4,
    ),
    _message(10, _BOB, 118.5, 6.9, "Will do. Security reviews take us about a week.", 0.3),
    _message(11, _ALICE, 126.0, 9.2, "Let's schedule a follow-up demo with your security team next Tuesday.", 0.5),
    _message(12, _BOB, 136.1, 5.3, "Sounds good, talk then.", 0.6),
]


def _ref(number: int) -> dict[str, str]:
    message = _MESSAGES[number - 1]
    return {"id": message["id"], "text": message["text"]}


SAMPLE_RAW = RawInsights(
    conversation_id=CONVERSATION_ID,
    job_id=JOB_ID,
    status="completed",
    conversation={
        "id": CONVERSATION_ID,
        "type": "meeting",
        "name": "Discovery call: Acme Corp",
        "startTime": _iso(0),
        "endTime": _iso(842.5),
        "members": [
            {"id": _ALICE["id"], "name": "Alice Carter", "email": "alice@northwind.example.com"},
            {"id": _BOB["id"], "name": "Bob Diaz", "email": "bob.diaz@acme.example.com"},
        ],
        "metadata": {"dealId": "D-1042"},
    },
    messages={"messages": _MESSAGES},
    topics={
        "topics": [
            {
                "id": "5907389282779136",
                "text": "security review",
                "type": "topic",
                "score": 0.71,
                "messageIds": [_MESSAGES[8]["id"], _MESSAGES[9]["id"]],
                "sentiment": {"polarity": {"score": 0.1}, "suggested": "neutral"},
                "parentRefs": [],
            },
            {
                "id": "5907389282779137",
                "text": "volume pricing",
                "type": "topic",
                "score": 0.92,
                "messageIds": [_MESSAGES[4]["id"], _MESSAGES[5]["id"]],
                "sentiment": {"polarity": {"score": 0.55}, "suggested": "positive"},
                "parentRefs": [],
            },
            {
                "id": "5907389282779138",
                "text": "agent onboarding",
                "type": "topic",
                "score": 0.64,
                "messageIds": [_MESSAGES[2]["id"], _MESSAGES[3]["id"]],
                "sentiment": {"polarity": {"score": -0.1}, "suggested": "neutral"},
                "parentRefs": [],
            },
            {
                "id": "5907389282779139",
                "text": "pilot",
                "type": "topic",
                "score": 0.48,
                "messageIds": [_MESSAGES[7]["id"]],
                "sentiment": {"polarity": {"score": 0.4}, "suggested": "positive"},
                "parentRefs": [],
            },
        ]
    },
    action_items={
        "actionItems": [
            {
                "id": "4567077831573504",
                "text": "I'll send the revised proposal with volume pricing by Friday.",
                "type": "action_item",
                "score": 0.94,
                "messageIds": [_MESSAGES[4]["id"]],
                "entities": [{"type": "date", "text": "Friday", "offset": 55, "value": "2024-03-15"}],
                "phrases": [],
                "from": dict(_ALICE),
                "definitive": True,
                "assignee": {"id": _ALICE["id"], "name": "Alice Carter", "email": "alice@northwind.example.com"},
                "dueBy": "2024-03-15T17:00:00.000Z",
            },
            {
                "id": "4567077831573505",
                "text": "Bob, you'll need to loop in your security team to review the data processing agreement.",
                "type": "action_item",
                "score": 0.87,
                "messageIds": [_MESSAGES[8]["id"]],
                "entities": [
                    {"type": "person", "text": "Bob", "offset": 0, "value": {"assignee": True, "name": "Bob Diaz"}}
                ],
                "phrases": [],
                "from": dict(_ALICE),
                "definitive": True,
                "assignee": {},
            },
        ]
    },
    follow_ups={
        "followUps": [
            {
                "id": "4526427164639111",
                "text": "Let's schedule a follow-up demo with your security team next Tuesday.",
                "type": "follow_up",
                "score": 0.86,
                "messageIds": [_MESSAGES[10]["id"]],
                "entities": [{"type": "date", "text": "next Tuesday", "offset": 57, "value": "2024-03-19"}],
                "phrases": [],
                "from": dict(_ALICE),
                "definitive": False,
                "assignee": {"id": _ALICE["id"], "name": "Alice Carter", "email": "alice@northwind.example.com"},
                "dueBy": "2024-03-19T07:00:00.000Z",
            },
        ]
    },
    questions={
        "questions": [
            {
                "id": "6673386714431488",
                "text": "How does your pricing compare to Globex?",
                "type": "question",
                "score": 0.98,
                "messageIds": [_MESSAGES[5]["id"]],
                "from": dict(_BOB),
            },
            {
                "id": "6673386714431489",
                "text": "Can we start with a pilot for the support team?",
                "type": "question",
                "score": 0.95,
                "messageIds": [_MESSAGES[7]["id"]],
                "from": dict(_BOB),
            },
        ]
    },
    entities={
        "entities": [
            {
                "type": "organization",
                "value": "Globex",
                "text": "Globex",
                "messageRefs": [{**_ref(2), "offset": 73}, {**_ref(6), "offset": 32}],
            },
            {"type": "person", "value": "bob", "text": "Bob", "messageRefs": [{**_ref(1), "offset": 3}]},
            {"type": "date", "value": "2024-03-15", "text": "Friday", "messageRefs": [{**_ref(5), "offset": 123}]},
            {
                "type": "custom",
                "customType": "Team",
                "value": "security team",
                "text": "security team",
                "messageRefs": [{**_ref(9), "offset": 66}],
            },
        ]
    },
    analytics={
        "metrics": [
            {"type": "total_silence", "percent": 8.2, "seconds": 11.4},
            {"type": "total_talk_time", "percent": 91.8, "seconds": 133.3},
            {"type": "total_overlap", "percent": 0.0, "seconds": 0.0},
        ],
        "members": [
            {
                **_ALICE,
                "pace": {"wpm": 148},
                "talkTime": {"percentage": 55.6, "seconds": 73.5},
                "listenTime": {"percentage": 44.4, "seconds": 59.8},
                "overlap": {},
            },
            {
                **_BOB,
                "pace": {"wpm": 131},
                "talkTime": {"percentage": 44.4, "seconds": 59.8},
                "listenTime": {"percentage": 55.6, "seconds": 73.5},
                "overlap": {},
            },
        ],
    },
    trackers=[
        {
            "id": "5237067555536896",
            "name": "Competitor",
            "matches": [
                {
                    "type": "vocabulary",
                    "value": "Globex",
                    "messageRefs": [{**_ref(2), "offset": 73}],
                    "insightRefs": [],
                },
                {
                    "type": "vocabulary",
                    "value": "Globex",
                    "messageRefs": [{**_ref(6), "offset": 32}],
                    "insightRefs": [
                        {"id": "6673386714431488", "type": "question", "text": _ref(6)["text"], "offset": 32}
                    ],
                },
            ],
        },
    ],
    summary={
        "summary": [
            {
                "id": "3498579583479",
                "text": "Bob Diaz from Acme Corp is evaluating support call analytics vendors, "
                "including Globex, because agent onboarding is slow.",
                "messageRefs": [{"id": _MESSAGES[1]["id"]}, {"id": _MESSAGES[3]["id"]}],
            },
            {
                "id": "3498579583480",
                "text": "Alice Carter will send a revised proposal with volume pricing, "
                "and both agreed on a 30-day pilot pending a security review.",
                "messageRefs": [{"id": _MESSAGES[4]["id"]}, {"id": _MESSAGES[8]["id"]}],
            },
        ]
    },
)


SAMPLE_CALL_SCORE: dict[str, Any] = {
    "score": 78,
    "summary": "The call with Acme Corp scored 78/100. Strongest: Forward Motion (90); to improve: Question "
    "Handling (65).",
    "criteria": [
        {
            "name": "Communication and Engagement",
            "score": 80,
            "summary": "Alice spoke 56% of the time.",
            "feedback": {
                "positive": {"summary": "Every participant had a turn to speak."},
                "negative": {"summary": "Talk time was well balanced."},
            },
        },
        {
            "name": "Question Handling",
            "score": 65,
            "summary": "1 of 2 questions were answered.",
            "feedback": {
                "positive": {"summary": "Questions got direct answers."},
                "negative": {"summary": "Some questions were left unanswered."},
            },
        },
        {
            "name": "Forward Motion",
            "score": 90,
            "summary": "3 next steps were agreed, 1 with a date.",
            "feedback": {
                "positive": {"summary": "Clear next steps were agreed."},
                "negative": {"summary": "Next steps have owners and dates."},
            },
        },
    ],
}
SAMPLE_EXTRAS: dict[str, Any] = {
    "answer": "Bob said: we are also looking at Globex.",
    "answers": {"competitor": "Globex", "pilot_days": 30, "security_review": True, "decision_date": "2024-03-15"},
    "summary_url": "https://meetinginsights.symbl.ai/meeting/#/eyJzYW1wbGUiOnRydWV9",
}


def sample_flat() -> FlatInsights:
    """The flat insights of `SAMPLE_RAW` with a Call Score, answers and a summary page, and example
    links (a fresh object on every call)."""
    from connector.ai.callscore import Score
    from connector.ai.enrich import with_extras

    flat = flatten(SAMPLE_RAW, links=SAMPLE_LINKS)
    return with_extras(flat, {**Score("ready", SAMPLE_CALL_SCORE).fields(), **SAMPLE_EXTRAS}, [])
