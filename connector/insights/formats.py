"""Small text formats shared by `flatten.py` and the renderers: a date, a duration, a cut line.
Pure functions, no IO."""

from __future__ import annotations


def day(iso: str) -> str:
    """The YYYY-MM-DD part of an ISO timestamp, or the text as given when it is not one."""
    return iso[:10] if len(iso) >= 10 and iso[4:5] == "-" and iso[7:8] == "-" else iso


def minutes(seconds: float) -> str:
    """A duration as ``12 min`` or ``1 h 5 min`` (rounded to the minute; ``<1 min``; empty for 0)."""
    if seconds <= 0:
        return ""
    total = int(seconds // 60 + (1 if seconds % 60 >= 30 else 0))
    if total < 1:
        return "<1 min"
    return f"{total // 60} h {total % 60} min" if total >= 60 else f"{total} min"


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters at a word boundary where possible, ending with "…"."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return text[:limit]
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space > limit // 2:
        head = head[:space]
    return head.rstrip() + "…"
