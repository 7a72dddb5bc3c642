"""Characters that never reach a flat field: NUL and the other C0/C1 controls (newline and tab
kept), DEL, and the bidirectional controls (U+200E/F, U+061C, U+202A-U+202E, U+2066-U+2069)
that make a Slack message or CRM note read differently from what it says ("Trojan Source").
Applied to Symbl's bodies (names, speakers, text) as they enter the flattening."""

from __future__ import annotations

from typing import Any

UNSAFE = (
    {c for c in range(0x00, 0x20) if chr(c) not in "\n\t"}
    | {0x7F}
    | set(range(0x80, 0xA0))
    | {0x200E, 0x200F, 0x061C}
    | set(range(0x202A, 0x202F))
    | set(range(0x2066, 0x206A))
)
_DROP = dict.fromkeys(UNSAFE)


def clean_text(text: str) -> str:
    """``text`` without the unsafe characters."""
    return text.translate(_DROP)


def clean(value: Any) -> Any:
    """Every string in a JSON value (keys included) cleaned; other values as they are."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value
