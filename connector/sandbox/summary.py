"""Summary: a short extractive summary that names what was discussed, said, asked and decided.

Items, in this order (at most six): who discussed the top three topics; up to three key statements,
quoted as spoken (sentences that cover topics not yet named, preferring amounts, competitors,
worries and decisions); up to two questions asked; the next steps (action items and follow-ups with
their owners and due days). Nothing is lower-cased or paraphrased, so names keep their case.
"""

from __future__ import annotations

import re
from typing import Any

from connector.sandbox.ids import numeric_id
from connector.sandbox.people import members
from connector.sandbox.transcript import Message

_GREETING = re.compile(
    r"^(?:hi|hello|hey|thanks|thank you|good (?:morning|afternoon|evening)|morning|welcome)\b|"
    r"\b(?:this is|i'm|i am|my name is) [A-Z]",
    re.I,
)
_WEIGHTY = re.compile(
    r"\$|\d|\b(?:dollars?|euros?|pounds?|budget|price|pricing|cost|quote|competitor|also "
    r"(?:talking|looking|evaluating)|worry|worried|concern|risk|problem|issue|blocked|down|outage|"
    r"failed|decided|agreed|included|covered|approval|sign off|lost)\b",
    re.I,
)
MAX_STATEMENTS, MAX_QUESTIONS, MAX_STEPS, MAX_ITEMS = 3, 2, 3, 6


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _who(message: Message) -> str:
    return message.speaker.name if message.speaker else "A participant"


def _covers(message: Message, topic: dict[str, Any]) -> bool:
    return message.id in topic["messageIds"]


def _statements(messages: list[Message], topics: list[dict[str, Any]], taken: set[str]) -> list[Message]:
    """Pick key sentences greedily: each must name a topic not covered yet (weighty ones first)."""
    candidates = [
        m
        for m in messages
        if m.id not in taken
        and len(m.text.split()) >= 6
        and not m.text.rstrip().endswith("?")
        and not _GREETING.search(m.text)
    ]
    covered: set[str] = set()
    picked: list[Message] = []
    while len(picked) < MAX_STATEMENTS:

        def gain(m: Message, covered: set[str] = covered) -> tuple[int, int]:
            new = sum(1 for t in topics if _covers(m, t) and t["text"] not in covered)
            return (new + (2 if new and _WEIGHTY.search(m.text) else 0), -messages.index(m))

        best = max((m for m in candidates if m not in picked), key=gain, default=None)
        if best is None or gain(best)[0] == 0:
            break
        picked.append(best)
        covered |= {t["text"] for t in topics if _covers(best, t)}
    return sorted(picked, key=messages.index)


def _step(item: dict[str, Any]) -> str:
    text = item["text"].rstrip(".")
    details = [d for d in ((item.get("assignee") or {}).get("name"), (item.get("dueBy") or "")[:10]) if d]
    if len(details) == 2:
        details[1] = "due " + details[1]
    return f"{text} ({', '.join(details)})" if details else text


def derive(
    messages: list[Message],
    conversation_id: str,
    topics: list[dict[str, Any]],
    action_items: list[dict[str, Any]],
    questions: list[dict[str, Any]] | None = None,
    follow_ups: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Return Symbl's summary items ``{id, text, messageRefs}``."""
    if not messages:
        return []
    questions, follow_ups = questions or [], follow_ups or []
    parts: list[tuple[str, list[str]]] = []
    names = [p.name for p in members(messages)]
    if topics:
        subjects = [t["text"] for t in topics[:3]]
        who = _join(names) if names else "The participants"
        refs = list(dict.fromkeys(mid for t in topics[:3] for mid in t["messageIds"]))[:5]
        parts.append((f"{who} discussed {_join(subjects)}.", refs))
    taken = {mid for item in action_items + follow_ups + questions for mid in item["messageIds"]}
    for message in _statements(messages, topics, taken):
        parts.append((f"{_who(message)} said: {message.text}", [message.id]))
    by_id = {m.id: m for m in messages}
    room = MAX_ITEMS - len(parts) - (1 if action_items or follow_ups else 0)  # next steps always fit
    for question in questions[: max(0, min(MAX_QUESTIONS, room))]:
        asker = by_id.get(question["messageIds"][0])
        who = _who(asker) if asker else "A participant"
        parts.append((f"{who} asked: {question['text']}", question["messageIds"]))
    steps = sorted(
        action_items + follow_ups,
        key=lambda i: list(by_id).index(i["messageIds"][0]) if i["messageIds"][0] in by_id else 0,
    )[:MAX_STEPS]
    if steps:
        parts.append(
            (
                f"Next steps: {'; '.join(_step(i) for i in steps)}.",
                [mid for item in steps for mid in item["messageIds"]],
            )
        )
    if not parts:
        parts.append((messages[0].text, [messages[0].id]))
    return [
        {
            "id": numeric_id(conversation_id, "summary", i, text),
            "text": text,
            "messageRefs": [{"id": mid} for mid in refs],
        }
        for i, (text, refs) in enumerate(parts[:MAX_ITEMS])
    ]
