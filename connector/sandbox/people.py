"""Conversation members and the ``from``/``assignee`` objects that point at them."""

from __future__ import annotations

from typing import Any

from connector.sandbox.transcript import Message, Speaker


def members(messages: list[Message]) -> list[Speaker]:
    """Return the distinct speakers, in order of first appearance."""
    seen: dict[str, Speaker] = {}
    for message in messages:
        if message.speaker is not None and message.speaker.key not in seen:
            seen[message.speaker.key] = message.speaker
    return list(seen.values())


def member_json(speaker: Speaker, conversation_id: str) -> dict[str, Any]:
    """Return a member as ``/members`` shows it: ``{id, name, email?}``."""
    out: dict[str, Any] = {"id": speaker.member_id(conversation_id), "name": speaker.name}
    if speaker.email:
        out["email"] = speaker.email
    return out


def from_json(speaker: Speaker | None, conversation_id: str) -> dict[str, Any]:
    """Return a ``from`` object: ``{id, name, userId}`` plus ``email`` when known (``{}`` if anonymous)."""
    if speaker is None:
        return {}
    out: dict[str, Any] = {"id": speaker.member_id(conversation_id), "name": speaker.name}
    if speaker.user_id or speaker.email:
        out["userId"] = speaker.user_id or speaker.email
    if speaker.email:
        out["email"] = speaker.email
    return out


def find_member(name: str, people: list[Speaker]) -> Speaker | None:
    """Return the member called ``name`` (full or first name, any case)."""
    wanted = name.strip().lower()
    for person in people:
        full = person.name.lower()
        if wanted == full or wanted == full.split()[0]:
            return person
    return None
