"""Render flat insights as a plain-text CRM note (HubSpot, Salesforce, Pipedrive). No IO.

The note is what a person would paste by hand: a title line (name and date), then sections
separated by a blank line, each a heading line followed by ``- `` bullets or one line of text.
No other markup (CRMs show ``*``, ``#`` and ``**`` literally). Empty sections are left out.
Lists show at most `MAX_ITEMS` items, then ``- …and N more``; the transcript is never included.

Example::

    Discovery call: Acme Corp (2024-03-12, 14 min)

    Summary
    Alice walked Bob through ...

    Participants
    - Alice Carter (62% talk time)
    - Bob Diaz (38% talk time)

    Sentiment: Positive (+0.42)

    Action items
    - Send the revised proposal (Alice Carter, due 2024-03-15)
"""

from __future__ import annotations

from connector.insights.contract import ActionItem, FlatInsights, MemberItem, Question, TrackerHit
from connector.insights.formats import day, minutes

MAX_ITEMS = 25


def _title(flat: FlatInsights) -> str:
    when = ", ".join(part for part in (day(flat.start_time), minutes(flat.duration_seconds)) if part)
    name = flat.name or flat.conversation_id or "Conversation"
    return f"{name} ({when})" if when else name


def _task(item: ActionItem) -> str:
    details = [part for part in (item.assignee, f"due {day(item.due)}" if item.due else "") if part]
    return f"{item.text} ({', '.join(details)})" if details else item.text


def _question(item: Question) -> str:
    return f"{item.text} (asked by {item.asked_by})" if item.asked_by else item.text


def _member(item: MemberItem, with_talk_time: bool) -> str:
    return f"{item.name} ({int(item.talk_percent + 0.5)}% talk time)" if with_talk_time else item.name


def _tracker(item: TrackerHit) -> str:
    head = f"{item.name} ({item.count})"
    return f'{head}: "{item.example}"' if item.example else head


def _bullets(title: str, lines: list[str]) -> str:
    shown = [f"- {line}" for line in lines[:MAX_ITEMS]]
    if len(lines) > MAX_ITEMS:
        shown.append(f"- …and {len(lines) - MAX_ITEMS} more")
    return "\n".join([title, *shown]) if lines else ""


def _participants(flat: FlatInsights) -> str:
    with_talk_time = bool(flat.talk_time)
    return _bullets("Participants", [_member(member, with_talk_time) for member in flat.members])


def _sentiment(flat: FlatInsights) -> str:
    if not flat.sentiment_label:
        return ""
    return f"Sentiment: {flat.sentiment_label.capitalize()} ({flat.sentiment_score:+.2f})"


def _call_score(flat: FlatInsights) -> str:
    if flat.call_score is None:
        return ""
    lines = [f"Call score: {flat.call_score}/100"]
    lines += [line for line in (flat.call_score_summary, flat.call_score_text) if line]
    return "\n".join(lines)


def _value(value: object) -> str:
    if value is None:
        return "(not stated)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def render_crm_note(flat: FlatInsights) -> str:
    """Render the insights as a plain-text note, sections left out when empty."""
    sections = [
        _title(flat),
        f"Summary\n{flat.summary}" if flat.summary else "",
        _participants(flat),
        _sentiment(flat),
        _bullets("Action items", [_task(item) for item in flat.action_items]),
        _bullets("Questions", [_question(item) for item in flat.questions]),
        _bullets("Follow-ups", [_task(item) for item in flat.follow_ups]),
        f"Topics: {flat.topics}" if flat.topics else "",
        _bullets("Tracker hits", [_tracker(item) for item in flat.trackers]),
        _call_score(flat),
        f"Answer\n{flat.answer}" if flat.answer else "",
        _bullets("Answers", [f"{key}: {_value(value)}" for key, value in flat.answers.items()]),
        f"Summary page: {flat.summary_url}" if flat.summary_url else "",
    ]
    return "\n\n".join(section for section in sections if section)
