"""Trackers: inline ``trackers`` vocabulary (and, with ``enableAllTrackers``, the account's saved
trackers, see `tracker_book.py`) matched case-insensitively in messages; Symbl's bare-array shape
with message and insight refs."""

from __future__ import annotations

import re
from typing import Any

from connector.sandbox.ids import numeric_id
from connector.sandbox.transcript import Message


def _pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(phrase.strip()) + r"(?!\w)", re.I)


def derive(
    messages: list[Message], conversation_id: str, trackers: list[dict[str, Any]], insights: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return the detected trackers (only those with at least one match)."""
    by_message: dict[str, list[dict[str, Any]]] = {}
    for insight in insights:
        for mid in insight["messageIds"]:
            by_message.setdefault(mid, []).append(insight)
    detected = []
    for tracker in trackers:
        matches = []
        for phrase in dict.fromkeys(tracker["vocabulary"]):
            pattern = _pattern(phrase)
            message_refs, insight_refs = [], []
            for message in messages:
                hit = pattern.search(message.text)
                if not hit:
                    continue
                message_refs.append({"id": message.id, "text": message.text, "offset": hit.start()})
                for insight in by_message.get(message.id, []):
                    found = pattern.search(insight["text"])
                    insight_refs.append(
                        {
                            "id": insight["id"],
                            "type": insight["type"],
                            "text": insight["text"],
                            "offset": found.start() if found else -1,
                        }
                    )
            if message_refs:
                matches.append(
                    {"type": "vocabulary", "value": phrase, "messageRefs": message_refs, "insightRefs": insight_refs}
                )
        if matches:
            detected.append(
                {
                    "id": numeric_id(conversation_id, "tracker", tracker["name"]),
                    "name": tracker["name"],
                    "matches": matches,
                }
            )
    return detected
