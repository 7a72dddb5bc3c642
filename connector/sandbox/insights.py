"""Questions, action items and follow-ups, derived deterministically from transcript sentences.

Rules (no ML): a sentence ending with ``?`` is a question, unless it is a request addressed to a
named person or given a due date ("Maria, can you share the volumes by Tuesday?"), which is an
action item; a sentence with a commitment or a request ("I will", "we'll", "let's", "I can look
into", "please", "make sure", "send", "by Friday" ...) is an action item; one about following up or
scheduling ("follow up", "get back to", "schedule", "sync again", "set up a call") is a follow-up.
"Need to"/"have to"/"must" count only for the speakers themselves ("I need to check ...") or someone
addressed; a statement about a third party ("My CTO, Priya, will need to sign off") is not a task.
Assignees come from a name addressed at the start ("Bob, can you ...") or a name doing the verb
("Bob will ..."), the speaker for first-person commitments, and the other participant for
"you"/"please" requests in a two-person call; a third-party subject ("Our recruiter will ...") has
no assignee. A date mention gives ``dueBy``, counted from the time the sentence was spoken (the
conversation's own time). Scores are 0.6-0.99, from the signals found plus a hash-based jitter.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from connector.sandbox.dates import find_dates
from connector.sandbox.ids import numeric_id, unit
from connector.sandbox.people import find_member, from_json
from connector.sandbox.transcript import Message, Speaker

_ACTION = re.compile(
    r"\b(?:i will|i'll|i am going to|i'm going to|we will|we'll|we are going to|let's|let us|let me|"
    r"needs? to|have to|has to|must|please|can you|could you|would you|will you|make sure|remember to|"
    r"i can (?:set up|look into|send|share|prepare|check|arrange|organi[sz]e|book|get you|find out)|"
    r"don't forget to|send|share|(?:will|going to) (?:send|share|review|prepare|check|call|email|update|add|"
    r"include|pull|escalate|ask|credit|draft|book))\b",
    re.I,
)
_FOLLOW_UP = re.compile(
    r"\b(?:follow(?:-| )?up|get back to|circle back|touch base|reconnect|schedule|reschedule|regroup|"
    r"sync (?:again|up)|set up (?:a|another|the) (?:call|meeting|time|demo|session)|"
    r"(?:let's|we'll|we will) (?:review|discuss|talk about|go over) .+ (?:at|in) (?:\w+'s |the next |our next )?"
    r"(?:sync|meeting|call|stand-?up|planning))\b",
    re.I,
)
#: obligations that only make a task when the speakers or someone addressed carry them
_WEAK = re.compile(r"\b(?:needs? to|have to|has to|must)\b", re.I)
_NOT_TASKS = re.compile(
    r"\b(?:have to|must) (?:be honest|say|admit|agree)|\blet's (?:keep it|see|start|begin|get started)\b|"
    r"\blet me (?:know|see|think|ask)\b",
    re.I,
)
_THIRD_PARTY = re.compile(
    r"^(?:my|our|their|his|her|the|your) (?:[a-z]+ ){0,2}?[a-z]+(?:,[^,]+,)? "
    r"(?:will|would|needs?|has|have|must|should|is going to)\b",
    re.I,
)
_OWN = re.compile(
    r"\b(?:i|we)(?:'ll| will| am going to|'m going to| are going to| need to| have to| can| must)\b"
    r"|^(?:let's|let us|let me)\b",
    re.I,
)
_REQUEST = re.compile(
    r"^(?:[A-Z][a-z]+,\s*)?(?:can|could|would|will) you\b(?! (?:tell|walk|explain|describe|remind|"
    r"give me|show me))",
    re.I,
)
#: "Tell me about ...": a question without a question mark
_ASKING = re.compile(r"^(?:tell me (?:about|how|why|what)|walk me through|describe|explain)\b", re.I)
_NEXT_MEETING = re.compile(r"\bnext (?:call|meeting|session)\b", re.I)
_TENTATIVE = re.compile(r"\b(?:maybe|might|could|should|perhaps|possibly|probably|try to)\b", re.I)
_FIRST_PERSON = re.compile(r"^(?:\w+,\s*)?(?:i|i'll|i'm|i am|we|we'll|let's|let me|let us)\b", re.I)
_SECOND_PERSON = re.compile(r"\b(?:you|your|please)\b", re.I)
_VOCATIVE = re.compile(r"^([A-Z][a-z]+(?: [A-Z][a-z]+)?),\s")
_SUBJECT = re.compile(r"^([A-Z][a-z]+) (?:will|needs to|has to|should|is going to|can)\b")
NOT_NAMES = frozenset(
    [
        "yes",
        "no",
        "okay",
        "ok",
        "so",
        "well",
        "sure",
        "hi",
        "hello",
        "hey",
        "thanks",
        "great",
        "perfect",
        "absolutely",
        "honestly",
        "also",
        "and",
        "but",
        "now",
        "right",
        "alright",
        "of",
        "actually",
        "oh",
        "um",
        "look",
        "listen",
        "first",
        "second",
        "finally",
        "then",
        "again",
        "good",
        "fine",
        "cool",
        "yeah",
        "and",
        "i",
        "we",
        "you",
        "they",
        "it",
        "that",
        "this",
        "there",
        "he",
        "she",
        "our",
        "my",
        "sorry",
        "please",
    ]
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
    if _THIRD_PARTY.search(sentence):
        return None, None
    if (_FIRST_PERSON.search(sentence) or _OWN.search(sentence)) and speaker is not None:
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


def _item(
    kind: str,
    message: Message,
    conversation_id: str,
    people: list[Speaker],
    signals: int,
    phrases: list[dict[str, str]],
) -> dict[str, Any]:
    text = message.text
    entities: list[dict[str, Any]] = []
    name, member = assignee(text, message.speaker, people)
    dates = find_dates(text, message.start.date())
    if name:
        offset = text.find(name)
        entities.append(
            {"type": "person", "text": name, "offset": max(offset, 0), "value": {"assignee": True, "name": name}}
        )
    for mention in dates:
        entities.append(
            {"type": "date", "text": mention.text, "offset": mention.offset, "value": mention.day.isoformat()}
        )
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


def _is_task(text: str) -> bool:
    """True when ``text`` commits someone (the speaker, the listener, a named person) to do something."""
    if _NOT_TASKS.search(text):
        text = _NOT_TASKS.sub("", text)
    cues = [m.group(0).lower() for m in _ACTION.finditer(text)]
    if not cues:
        return False
    if all(_WEAK.fullmatch(c) for c in cues):  # only "need to"/"has to": whose obligation is it?
        return bool(_OWN.search(text) or _named(text) or re.search(r"\byou\b", text, re.I)) and not _THIRD_PARTY.search(
            text
        )
    return True


def _is_request(text: str, base: date) -> bool:
    """A "can you ...?" addressed to someone by name or with a due date: a task, not a question."""
    return bool(_REQUEST.search(text)) and bool(_VOCATIVE.match(text) or find_dates(text, base))


def classify(text: str, base: date | None = None) -> str | None:
    """Return ``question``, ``follow_up``, ``action_item`` or None for one sentence spoken on ``base``."""
    base = base or date(2000, 1, 1)
    if (text.rstrip().endswith("?") and not _is_request(text, base)) or _ASKING.match(text):
        return "question"
    action = _is_task(text)
    if _FOLLOW_UP.search(text) or (_NEXT_MEETING.search(text) and not action):
        return "follow_up"
    return "action_item" if action else None


def derive(
    messages: list[Message], conversation_id: str, people: list[Speaker], threshold: float
) -> dict[str, list[dict[str, Any]]]:
    """Return ``{"questions", "actionItems", "followUps"}`` lists, each item above ``threshold``."""
    out: dict[str, list[dict[str, Any]]] = {"questions": [], "actionItems": [], "followUps": []}
    for message in messages:
        kind = classify(message.text, message.start.date())
        item: dict[str, Any]
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
