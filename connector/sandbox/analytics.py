"""Analytics: talk time, listen time and pace per member, and conversation-level metrics.

Talk time is the sum of a member's message durations; silence is the part of the conversation's
span no message covers; overlap is time covered by two messages at once (usually 0 for text).
Key names follow Symbl, inconsistencies included (``percent`` vs ``percentage``).
"""

from __future__ import annotations

from typing import Any

from connector.sandbox.people import from_json, members
from connector.sandbox.transcript import Message


def _covered(intervals: list[tuple[float, float]]) -> tuple[float, float]:
    """Return ``(seconds covered by at least one, seconds covered by two or more)``."""
    events = sorted([(a, 1) for a, b in intervals] + [(b, -1) for a, b in intervals])
    covered = overlap = 0.0
    depth, last = 0, None
    for at, step in events:
        if last is not None:
            if depth >= 1:
                covered += at - last
            if depth >= 2:
                overlap += at - last
        depth += step
        last = at
    return covered, overlap


def derive(messages: list[Message], conversation_id: str) -> dict[str, Any]:
    """Return ``{"metrics": [...], "members": [...]}``."""
    if not messages:
        return {"metrics": [], "members": []}
    origin = min(m.start for m in messages)
    intervals = [((m.start - origin).total_seconds(), (m.end - origin).total_seconds()) for m in messages]
    span = max(b for _, b in intervals)
    talk, overlap = _covered(intervals)
    silence = max(0.0, span - talk)

    def pct(part: float, whole: float) -> float:
        return round(100 * part / whole, 3) if whole > 0 else 0.0

    metrics = [
        {"type": "total_silence", "percent": pct(silence, span), "seconds": round(silence, 3)},
        {"type": "total_talk_time", "percent": pct(talk, span), "seconds": round(talk, 3)},
        {"type": "total_overlap", "percent": pct(overlap, span), "seconds": round(overlap, 3)},
    ]
    people = members(messages)
    talk_by = {p.key: 0.0 for p in people}
    words_by = {p.key: 0 for p in people}
    for message in messages:
        if message.speaker is not None:
            talk_by[message.speaker.key] += (message.end - message.start).total_seconds()
            words_by[message.speaker.key] += len(message.text.split())
    total = sum(talk_by.values())
    out = []
    for person in people:
        seconds = talk_by[person.key]
        listen = total - seconds
        entry = from_json(person, conversation_id)
        entry.pop("email", None)
        entry.update(
            {
                "pace": {"wpm": round(words_by[person.key] * 60 / seconds) if seconds > 0 else 0},
                "talkTime": {"percentage": pct(seconds, total), "seconds": round(seconds, 3)},
                "listenTime": {"percentage": pct(listen, total), "seconds": round(listen, 3)},
                "overlap": {},
            }
        )
        out.append(entry)
    return {"metrics": metrics, "members": out}
