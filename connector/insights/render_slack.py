"""Render flat insights as a Slack message: mrkdwn text and Block Kit blocks. No IO.

Slack mrkdwn, not Markdown: ``*bold*``, ``•`` bullets, ``<url|label>`` links, and ``&``, ``<``,
``>`` in user text escaped as ``&amp;``, ``&lt;``, ``&gt;``. The text stays under
`TEXT_BUDGET` characters (Slack accepts 40,000; a readable post is far shorter); lists show at
most `MAX_ITEMS` items, then ``…and N more``. Blocks follow Block Kit's limits: header
plain_text ≤ 150 characters, section text ≤ 3,000, ≤ 50 blocks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from connector.insights.contract import ActionItem, FlatInsights, Question, TrackerHit
from connector.insights.formats import day, minutes, shorten

TEXT_BUDGET = 3000
SUMMARY_CHARS = 800
ITEM_CHARS = 150
MAX_ITEMS = 5
BLOCK_ITEMS = 10
HEADER_CHARS = 150
SECTION_CHARS = 3000
FALLBACK_TITLE = "Conversation insights"


def escape(text: str) -> str:
    """Escape Slack's control characters in user text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten_escaped(text: str, limit: int) -> str:
    """Escape ``text`` and keep the result within ``limit`` characters."""
    escaped = escape(text)
    cut = limit
    while len(escaped) > limit:
        cut -= max(len(escaped) - limit, 1)
        escaped = escape(shorten(text, cut))
    return escaped


def _link(url: str, label: str) -> str:
    """``<url|label>`` for a plain http(s) URL, "" for anything Slack could misread."""
    if len(url) > 500 or not url.startswith(("https://", "http://")) or any(c in url for c in "<>| \n"):
        return ""
    return f"<{url.replace('&', '&amp;')}|{label}>"


def _task(item: ActionItem) -> str:
    details = [escape(shorten(p, 60)) for p in (item.assignee, f"due {day(item.due)}" if item.due else "") if p]
    text = escape(shorten(item.text, ITEM_CHARS))
    return f"{text} ({', '.join(details)})" if details else text


def _question(item: Question) -> str:
    text = escape(shorten(item.text, ITEM_CHARS))
    return f"{text} ({escape(shorten(item.asked_by, 60))})" if item.asked_by else text


def _tracker(item: TrackerHit) -> str:
    head = f"{escape(shorten(item.name, 60))} ({item.count})"
    return f"{head}: {escape(shorten(item.example, ITEM_CHARS))}" if item.example else head


def _lists(flat: FlatInsights) -> list[tuple[str, list[str]]]:
    """The bullet sections, in order, with their item lines (escaped)."""
    sections: list[tuple[str, Sequence[Any], Callable[[Any], str]]] = [
        ("Action items", flat.action_items, _task),
        ("Questions", flat.questions, _question),
        ("Follow-ups", flat.follow_ups, _task),
        ("Tracker hits", flat.trackers, _tracker),
    ]
    return [(title, [render(item) for item in items]) for title, items, render in sections if items]


def _bullets(title: str, lines: list[str], max_items: int, budget: int) -> str:
    """``*Title*`` and up to ``max_items`` bullets within ``budget`` chars, then ``…and N more``."""
    out = f"*{title}*"
    shown = 0
    for line in lines[:max_items]:
        rest = len(lines) - shown - 1
        more = len(f"\n…and {rest} more") if rest else 0
        if len(out) + len(line) + 3 + more > budget:
            break
        out += f"\n• {line}"
        shown += 1
    if shown < len(lines):
        out += f"\n…and {len(lines) - shown} more"
    return out


def _facts(flat: FlatInsights) -> list[tuple[str, str]]:
    """(label, escaped value) pairs for sentiment and speakers, when known."""
    facts = []
    if flat.sentiment_label:
        facts.append(("Sentiment", f"{flat.sentiment_label.capitalize()} ({flat.sentiment_score:+.2f})"))
    people = flat.talk_time or flat.speakers
    if people:
        facts.append(("Speakers", shorten_escaped(people, 300)))
    if flat.call_score is not None:
        facts.append(("Call score", f"{flat.call_score}/100"))
    if flat.answer:
        facts.append(("Answer", shorten_escaped(flat.answer, 300)))
    return facts


def _title(flat: FlatInsights) -> str:
    return flat.name or flat.conversation_id or FALLBACK_TITLE


def _context(flat: FlatInsights) -> str:
    parts = [
        day(flat.start_time),
        minutes(flat.duration_seconds),
        _link(flat.summary_url, "Summary page"),
        _link(flat.links.insights, "Open insights"),
    ]
    return " · ".join(part for part in parts if part)


def render_slack_text(flat: FlatInsights) -> str:
    """Render the insights as one Slack mrkdwn message, sections left out when empty."""
    chunks = [f"*{shorten_escaped(_title(flat), HEADER_CHARS)}*"]
    context = _context(flat)
    if context:
        chunks[0] += f"\n{context}"
    if flat.summary:
        chunks.append(shorten_escaped(flat.summary, SUMMARY_CHARS))
    facts = _facts(flat)
    if facts:
        chunks.append("\n".join(f"*{label}:* {value}" for label, value in facts))
    lists = _lists(flat)
    used = sum(len(chunk) + 2 for chunk in chunks)
    for index, (title, lines) in enumerate(lists):
        reserve = 40 * (len(lists) - index - 1)
        section = _bullets(title, lines, MAX_ITEMS, max(TEXT_BUDGET - used - reserve - 2, 40))
        chunks.append(section)
        used += len(section) + 2
    return _fit_lines("\n\n".join(chunks), TEXT_BUDGET)


def _fit_lines(text: str, limit: int) -> str:
    """Drop whole trailing lines (never half an escape or a link) until ``text`` fits."""
    if len(text) <= limit:
        return text
    lines = text.split("\n")
    while lines and len("\n".join(lines)) + 2 > limit:
        lines.pop()
    return "\n".join([*lines, "…"])


def _text(kind: str, text: str) -> dict[str, Any]:
    return {"type": kind, "text": text}


def blocks(flat: FlatInsights) -> list[dict[str, Any]]:
    """Build the Block Kit ``blocks`` array: header, summary, facts, one section per list, context."""
    header = shorten(_title(flat), HEADER_CHARS)
    out: list[dict[str, Any]] = [{"type": "header", "text": {**_text("plain_text", header), "emoji": True}}]
    if flat.summary:
        out.append({"type": "section", "text": _text("mrkdwn", shorten_escaped(flat.summary, SECTION_CHARS))})
    facts = _facts(flat)
    if facts:
        fields = [_text("mrkdwn", f"*{label}*\n{value}") for label, value in facts]
        out.append({"type": "section", "fields": fields})
    for title, lines in _lists(flat):
        out.append({"type": "section", "text": _text("mrkdwn", _bullets(title, lines, BLOCK_ITEMS, SECTION_CHARS))})
    conversation = f"Conversation {escape(flat.conversation_id)}" if flat.conversation_id else ""
    context = " · ".join(part for part in (conversation, _context(flat)) if part)
    if context:
        out.append({"type": "context", "elements": [_text("mrkdwn", context)]})
    return out


def render_slack_blocks(flat: FlatInsights) -> str:
    """Render the insights as a Block Kit ``blocks`` array, serialised as a JSON string."""
    return json.dumps(blocks(flat), ensure_ascii=False, separators=(",", ":"))
