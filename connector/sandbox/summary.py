"""Summary: one to three sentences built from the conversation's most important content.

1. who discussed which top topics; 2. the first substantive statement; 3. the action items.
"""

from __future__ import annotations

from typing import Any

from connector.sandbox.ids import numeric_id
from connector.sandbox.people import members
from connector.sandbox.transcript import Message

_GREETINGS = ("hi", "hello", "hey", "thanks", "thank you", "good morning", "good afternoon")


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def derive(messages: list[Message], conversation_id: str, topics: list[dict[str, Any]],
           action_items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return Symbl's summary items ``{id, text, messageRefs}``."""
    if not messages:
        return []
    parts: list[tuple[str, list[str]]] = []
    names = [p.name for p in members(messages)]
    if topics:
        subjects = [t["text"] for t in topics[:3]]
        who = _join(names) if names else "The participants"
        refs = list(dict.fromkeys(mid for t in topics[:3] for mid in t["messageIds"]))[:5]
        parts.append((f"{who} discussed {_join(subjects)}.", refs))
    for message in messages:
        lowered = message.text.lower()
        if len(message.text.split()) >= 6 and not message.text.endswith("?") and not lowered.startswith(_GREETINGS):
            who = message.speaker.name if message.speaker else "A participant"
            statement = message.text[0].lower() + message.text[1:] if message.text[:2] != "I " else message.text
            parts.append((f"{who} said: {statement}", [message.id]))
            break
    if action_items:
        texts = "; ".join(item["text"].rstrip(".") for item in action_items[:3])
        parts.append((f"Next steps: {texts}.", [mid for item in action_items[:3] for mid in item["messageIds"]]))
    if not parts:
        parts.append((messages[0].text, [messages[0].id]))
    return [
        {"id": numeric_id(conversation_id, "summary", i, text), "text": text,
         "messageRefs": [{"id": mid} for mid in refs]}
        for i, (text, refs) in enumerate(parts[:3])
    ]
