"""Transcript building: split submitted content into sentence messages with speakers and times.

Symbl splits one submitted message into several (sentence boundary detection) and gives every
message a start and end time; text without times is timed at ~150 words per minute from the
conversation's own start (the first given ``startTime``, else the submission time), continuing after
whatever the conversation already holds (appends included).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from connector.sandbox.errors import bad_request
from connector.sandbox.ids import numeric_id, parse_iso, uuid_id

SECONDS_PER_WORD = 0.4  # 150 words per minute
GAP = timedelta(seconds=0.6)  # silence between two submitted messages / script lines

_ABBREVIATIONS = {
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "prof.",
    "sr.",
    "jr.",
    "st.",
    "vs.",
    "etc.",
    "e.g.",
    "i.e.",
    "no.",
    "approx.",
    "a.m.",
    "p.m.",
}
_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*\s+")


@dataclass(frozen=True)
class Speaker:
    """One participant as submitted (or as renamed later through the members API)."""

    key: str
    name: str
    user_id: str | None = None
    email: str | None = None
    fixed_id: str | None = None  # an id given by the client (speaker events)

    def member_id(self, conversation_id: str) -> str:
        """Return this speaker's stable member UUID within a conversation."""
        return self.fixed_id or uuid_id(conversation_id, "member", self.key)


@dataclass(frozen=True)
class Message:
    """One sentence of the transcript."""

    id: str
    text: str
    speaker: Speaker | None
    start: datetime
    end: datetime
    spoken: bool = False  # audio/video: words carry a recognition score

    def with_speaker(self, speaker: Speaker | None) -> Message:
        """Return a copy spoken by ``speaker``."""
        return replace(self, speaker=speaker)


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences, keeping abbreviations and decimals intact."""
    text = " ".join(text.split())
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start() + len(match.group().rstrip())].strip()
        following = text[match.end() : match.end() + 1]
        last_word = candidate.split()[-1].lower() if candidate else ""
        if last_word in _ABBREVIATIONS or not (following.isupper() or following.isdigit() or following in "\"'("):
            continue
        sentences.append(candidate)
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def speaker_from(value: Any) -> Speaker | None:
    """Return the speaker of a submitted ``from`` object (``None`` when anonymous)."""
    if not isinstance(value, dict):
        return None
    name = value.get("name") if isinstance(value.get("name"), str) else None
    user_id = value.get("userId") if isinstance(value.get("userId"), str) else None
    email = value.get("email") if isinstance(value.get("email"), str) else None
    if email is None and user_id and "@" in user_id:
        email = user_id
    if not (name or user_id or email):
        return None
    key = (user_id or email or name or "").strip().lower()
    return Speaker(key=key, name=name or (user_id or email or "").split("@")[0], user_id=user_id, email=email)


def _timed(
    conversation_id: str,
    index: int,
    sentences: list[str],
    speaker: Speaker | None,
    start: datetime,
    end: datetime | None,
    spoken: bool,
) -> list[Message]:
    words = [max(1, len(s.split())) for s in sentences]
    if end is None or end <= start:
        end = start + timedelta(seconds=sum(words) * SECONDS_PER_WORD)
    span = (end - start).total_seconds()
    out, cursor, total = [], start, sum(words)
    for offset, (sentence, count) in enumerate(zip(sentences, words, strict=True)):
        stop = cursor + timedelta(seconds=span * count / total)
        mid = numeric_id(conversation_id, "message", index + offset, sentence)
        out.append(Message(mid, sentence, speaker, cursor, stop, spoken))
        cursor = stop
    return out


def validate_text_messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the ``messages`` of a text submit, or raise a Joi-style 400."""
    messages = body.get("messages")
    if messages is None:
        raise bad_request('"messages" is required')
    if not isinstance(messages, list):
        raise bad_request('"messages" must be an array')
    if not messages:
        raise bad_request('"messages" must contain at least 1 items')
    for i, item in enumerate(messages):
        if not isinstance(item, dict):
            raise bad_request(f'"messages[{i}]" must be of type object')
        payload = item.get("payload")
        if not isinstance(payload, dict):
            raise bad_request(f'"messages[{i}].payload" is required')
        content = payload.get("content")
        if not isinstance(content, str):
            raise bad_request(f'"messages[{i}].payload.content" is required')
        if not content.strip():
            raise bad_request(f'"messages[{i}].payload.content" is not allowed to be empty')
        if "from" in item and item["from"] is not None and not isinstance(item["from"], dict):
            raise bad_request(f'"messages[{i}].from" must be of type object')
        duration = item.get("duration")
        if duration is not None:
            if not isinstance(duration, dict):
                raise bad_request(f'"messages[{i}].duration" must be of type object')
            for key in ("startTime", "endTime"):
                if duration.get(key) is not None and parse_iso(duration[key]) is None:
                    raise bad_request(f'"messages[{i}].duration.{key}" must be a valid date')
    return messages


def submission_time(epoch: float) -> datetime:
    """Return a submit's wall-clock time (UTC, whole milliseconds): where an untimed conversation starts."""
    return datetime.fromtimestamp(round(epoch, 3), UTC)


def text_messages(
    conversation_id: str, raw: list[dict[str, Any]], cursor: datetime | None, first_index: int, submitted: datetime
) -> tuple[list[Message], datetime]:
    """Build timed sentence messages from a text submit; return them and the new time cursor.

    ``cursor`` is None for a new conversation: it then starts at the first message's ``startTime``
    when one is given, else at ``submitted``.
    """
    out: list[Message] = []
    if cursor is None:
        given = [parse_iso((item.get("duration") or {}).get("startTime")) for item in raw]
        cursor = next((t for t in given if t is not None), submitted)
    for item in raw:
        sentences = split_sentences(item["payload"]["content"])
        if not sentences:
            continue
        duration = item.get("duration") or {}
        start = parse_iso(duration.get("startTime")) or cursor
        end = parse_iso(duration.get("endTime"))
        built = _timed(
            conversation_id, first_index + len(out), sentences, speaker_from(item.get("from")), start, end, spoken=False
        )
        out.extend(built)
        cursor = max(cursor, built[-1].end) + GAP
    return out, cursor


def script_messages(
    conversation_id: str,
    lines: Sequence[tuple[Speaker | None, str]],
    cursor: datetime | None,
    first_index: int,
    submitted: datetime,
) -> tuple[list[Message], datetime]:
    """Build timed messages from ``(speaker, line)`` pairs of recognised speech (from ``submitted`` if new)."""
    out: list[Message] = []
    cursor = cursor or submitted
    for speaker, line in lines:
        sentences = split_sentences(line)
        built = _timed(conversation_id, first_index + len(out), sentences, speaker, cursor, None, spoken=True)
        out.extend(built)
        cursor = built[-1].end + GAP
    return out, cursor
