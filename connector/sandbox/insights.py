"""Questions, action items and follow-ups, derived deterministically from transcript sentences.

Rules (no ML): a sentence ending with ``?`` is a question; a sentence with a commitment or a
request ("I will", "we'll", "let's", "need to", "please", "can you", "make sure", "send", "by
Friday" ...) is an action item; one about following up or scheduling ("follow up", "get back to",
"schedule", "set up a call") is a follow-up. Assignees come from a name addressed at the start
("Bob, can you ...") or a name doing the verb ("Bob will ..."), the speaker for first-person
commitments, and the other participant for "you"/"please" requests in a two-person call. A date
mention gives ``dueBy``. Scores are 0.6-0.99, from the signals found plus a hash-based jitter.
"""

from __future__ import annotations

import re
from typing import Any

from connector.sandbox.dates import find_dates
from connector.sandbox.ids import numeric_id, unit
from connector.sandbox.people import find_member, from_json
from connector.sandbox.transcript import Message, Speaker

_ACTION = re.compile(
    r"\b(?:i will|i'll|i am going to|i'm going to|we will|we'll|we are going to|let's|let us|let me|"
    r"needs? to|have to|has to|must|please|can you|could you|would you|will you|make sure|remember to|"
    r"don't forget to|send|share|(?:will|going to) (?:send|share|review|prepare|check|call|email|update|add|"
    r"include|pull|escalate|ask|credit|draft|book))\b",
    re.I,
)
_FOLLOW_UP = re.compile(
    r"\b(?:follow(?:-| )?up|get back to|circle back|touch base|reconnect|schedule|reschedule|"
    r"set up (?:a|another|the) (?:call|meeting|time|demo|session))\b",
    re.I,
)
_NEXT_MEETING = re.compile(r"\bnext (?:call|meeting|session)\b", re.I)
_TENTATIVE = re.compile(r"\b(?:maybe|might|could|should|perhaps|possibly|probably|try to)\b", re.I)
_FIRST_PERSON = re.compile(r"^(?:\w+,\s*)?(?:i|i'll|i'm|i am|we|we'll|let's|let me|let us)\b", re.I)
_SECOND_PERSON = re.compile(r"\b(?:you|your|please)\b", re.I)
_VOCATIVE = re.compile(r"^([A-Z][a-z]+(?: [A-Z][a-z]+)?),\s")
_SUBJECT = re.compile(r"^([A-Z][a-z]+) (?:will|needs to|has to|should|is going to|can)\b")
NOT_NAMES = frozenset(
    """yes no okay ok so well sure hi hello hey thanks great perfect absolutely honestly also and but now right
    alright of actually oh um look listen first second finally then again good fine cool yeah and i we you they
    it that this there he she our my sorry please""".split()
)


def _score(signals: int, *seed: object) -> float:
    return round(min(0.99, 0.6 + 0.09 * signals + 0.08 * unit(*seed)), 4)


def _named(sentence: str) -> str | None:
    for pattern in (_VOCATIVE, _SUBJECT):
        match = pattern.match(sentence)
        if match and match[1].split()[0].lower() not in NOT_NAMES:
            return match[1]
    return None


def assignee(sentence: str, speaker: Speaker | None, people: list[Speaker]) -> tuple[str | None, Speaker | None]:
    """Return ``(name, member)`` responsible for ``sentence`` (either may be None)."""
    name = _named(sentence)
    if name:
        return name, find_member(name, people)
    if _FIRST_PERSON.search(sentence) and speaker is not None:
        return speaker.name, speaker
    if _SECOND_PERSON.search(sentence) and speaker is not None:
        others = [p for p in people if p.key != speaker.key]
        if len(others) == 1:
            return others[0].name, others[0]
    return None, None


def _action_phrase(sentence: str) -> str:
    match = _ACTION.search(sentence)
    if not match:
        return ""
    rest = sentence[match.end() :] if match.group(0).lower() not in ("send", "share") else sentence[match.start() :]
    return rest.strip(" ,.!?;:")


def _item(kind: str, message: Message, conversation_id: str, people: list[Speaker], signals: int,
          phrases: list[dict[str, str]]) -> dict[str, Any]:
    text = message.text
    entities: list[dict[str, Any]] = []
    name, member = assignee(text, message.speaker, people)
    dates = find_dates(text, message.start.date())
    if name:
        offset = text.find(name)
        entities.append({"type": "person", "text": name, "offset": max(offset, 0),
                         "value": {"assignee": True, "name": name}})
    for mention in dates:
        entities.append({"type": "date", "text": mention.text, "offset": mention.offset,
                         "value": mention.day.isoformat()})
    item: dict[str, Any] = {
        "id": numeric_id(conversation_id, kind, message.id),
        "text": text,
        "type": kind,
        "score": _score(signals + bool(name) + bool(dates), kind, text),
        "messageIds": [message.id],
        "entities": entities,
        "phrases": phrases,
        "from": from_json(message.speaker, conversation_id),
        "definitive": not _TENTATIVE.search(text),
        "assignee": {},
    }
    if member is not None:
        item["assignee"] = {k: v for k, v in from_json(member, conversation_id).items() if k in ("id", "name", "email")}
    elif name:
        item["assignee"] = {"name": name}
    if dates:
        item["dueBy"] = dates[0].day.isoformat() + "T00:00:00.000Z"
    return item


def classify(text: str) -> str | None:
    """Return ``question``, ``follow_up``, ``action_item`` or None for one sentence."""
    if text.rstrip().endswith("?"):
        return "question"
    action = _ACTION.search(text)
    if _FOLLOW_UP.search(text) or (_NEXT_MEETING.search(text) and not action):
        return "follow_up"
    return "action_item" if action else None


def derive(messages: list[Message], conversation_id: str, people: list[Speaker],
           threshold: float) -> dict[str, list[dict[str, Any]]]:
    """Return ``{"questions", "actionItems", "followUps"}`` lists, each item above ``threshold``."""
    out: dict[str, list[dict[str, Any]]] = {"questions": [], "actionItems": [], "followUps": []}
    for message in messages:
        kind = classify(message.text)
        if kind == "question":
            item = {
                "id": numeric_id(conversation_id, "question", message.id),
                "text": message.text,
                "type": "question",
                "score": round(0.85 + 0.14 * unit("question", message.text), 4),
                "messageIds": [message.id],
                "from": from_json(message.speaker, conversation_id),
            }
            key = "questions"
        elif kind in ("action_item", "follow_up"):
            phrase = _action_phrase(message.text)
            phrases = [{"type": "action_phrase", "text": phrase}] if phrase else []
            strong = 1 if re.search(r"\b(?:will|'ll|need to|must|please)\b", message.text, re.I) else 0
            item = _item(kind, message, conversation_id, people, strong, phrases)
            key = "actionItems" if kind == "action_item" else "followUps"
        else:
            continue
        if item["score"] >= threshold:
            out[key].append(item)
    return out
