"""Turn Symbl's Conversation API bodies (`RawInsights`) into the flat contract (`FlatInsights`).

This module does no IO: no network, no files, no clock, no randomness. The same input always
gives the same output. It is tolerant: a missing part, a ``null``, a wrong type or an unknown
key gives empty values, never an exception. Every pass is linear in the number of messages.

Text formats (one item per line, lines joined with ``\\n``):

- ``action_items_text`` / ``follow_ups_text``: ``- text (assignee, due YYYY-MM-DD)``; the part in
  parentheses lists only what is known and is left out when nothing is;
- ``questions_text``: ``- text (asked_by)``, parentheses left out when the asker is unknown;
- ``entities_text``: ``type: value``, each line once;
- ``trackers_text``: ``Name (count): example``, ``Name (count)`` without an example;
- ``transcript_text``: ``Speaker: text`` per message (just ``text`` without a speaker), cut at a
  line boundary to fit ``transcript_max_chars``;
- ``talk_time``: ``Alice 62%, Bob 38%`` (whole percents, as Symbl rounds them they may not sum to 100).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connector.insights.clean import clean, clean_text
from connector.insights.contract import (
    INSIGHT_PARTS,
    ActionItem,
    EntityItem,
    FlatInsights,
    FollowUp,
    Links,
    MemberItem,
    Question,
    SentimentLabel,
    TopicItem,
    TrackerHit,
)
from connector.insights.formats import day, shorten
from connector.insights.raw import RawInsights
from connector.insights.render_crm import render_crm_note
from connector.insights.render_slack import render_slack_blocks, render_slack_text

DEFAULT_LANGUAGE = "en-US"
POSITIVE_ABOVE = 0.3
NEGATIVE_BELOW = -0.3
_CLEANED = ("conversation", *INSIGHT_PARTS)  # Symbl's bodies: every string in them loses the unsafe characters
_SENTIMENTS = frozenset({"positive", "neutral", "negative"})


# --- tolerant readers -------------------------------------------------------------------------


def _items(body: Any, key: str) -> list[dict[str, Any]]:
    """Return the dict items under ``body[key]`` (or of ``body`` itself when it is a list)."""
    found = body.get(key) if isinstance(body, dict) else body
    if not isinstance(found, list):
        return []
    return [item for item in found if isinstance(item, dict)]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    """Return a stripped string for str/number values, "" for anything else."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _num(value: Any, default: float = 0.0) -> float:
    """Return a float for numbers and numeric strings, ``default`` otherwise."""
    if isinstance(value, bool):
        return default
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return default
    else:
        return default
    return number if number == number and abs(number) != float("inf") else default


def _time(value: Any) -> datetime | None:
    """Parse an ISO-8601 timestamp (``Z`` allowed); None when absent or unreadable."""
    text = _str(value)
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _iso(value: Any) -> str:
    """The timestamp as Symbl wrote it when it is readable ISO-8601, else ""."""
    return _str(value) if isinstance(value, str) and _time(value) is not None else ""


def _seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None or (start.tzinfo is None) != (end.tzinfo is None):
        return None
    seconds = (end - start).total_seconds()
    return seconds if seconds >= 0 else None


def _one_line(text: str) -> str:
    """Collapse whitespace (including newlines) so one item stays on one line."""
    return " ".join(text.split())


def _person(value: Any) -> tuple[str, str]:
    """Return (name, email) from a Symbl ``from``/``assignee``/member object (or a bare name).

    The e-mail is ``email``, else ``userId`` when it looks like an address (it is any ID otherwise).
    """
    if isinstance(value, str):
        return _one_line(value), ""
    person = _dict(value)
    emails = (_str(person.get("email")), _str(person.get("userId")))
    return _one_line(_str(person.get("name"))), next((e for e in emails if "@" in e), "")


def sentiment_label(score: float) -> SentimentLabel:
    """Map a polarity score to Symbl's label: > 0.3 positive, < -0.3 negative, else neutral."""
    if score > POSITIVE_ABOVE:
        return "positive"
    if score < NEGATIVE_BELOW:
        return "negative"
    return "neutral"


def _polarity(sentiment: Any) -> float | None:
    polarity = _dict(_dict(sentiment).get("polarity")).get("score")
    number = _num(polarity, float("nan"))
    return None if number != number else max(-1.0, min(1.0, number))


def _percent(holder: Any) -> float | None:
    """Read ``percentage`` (members) or ``percent`` (metrics) from a talk-time object."""
    data = _dict(holder)
    for key in ("percentage", "percent"):
        number = _num(data.get(key), float("nan"))
        if number == number:
            return number
    return None


def _whole(number: float) -> int:
    """Round half away from zero (Python's round() rounds 62.5 to 62)."""
    return int(number + 0.5) if number >= 0 else -int(-number + 0.5)


# --- identity ---------------------------------------------------------------------------------


def _duration(conversation: dict[str, Any], messages: list[dict[str, Any]]) -> float:
    """End minus start of the conversation, else the last message end relative to the first start."""
    seconds = _seconds_between(_time(conversation.get("startTime")), _time(conversation.get("endTime")))
    if seconds is not None:
        return round(seconds, 3)
    first_start: datetime | None = None
    last_end: datetime | None = None
    last_offset_end = 0.0
    for message in messages:
        start, end = _time(message.get("startTime")), _time(message.get("endTime"))
        if first_start is None and start is not None:
            first_start = start
        if end is not None and (last_end is None or _seconds_between(last_end, end) is not None):
            last_end = end
        offset_end = _num(message.get("timeOffset")) + _num(message.get("duration"))
        last_offset_end = max(last_offset_end, offset_end)
    seconds = _seconds_between(first_start, last_end)
    return round(seconds if seconds is not None else last_offset_end, 3)


# --- people -----------------------------------------------------------------------------------


@dataclass
class _Member:
    name: str
    email: str = ""
    talk_seconds: float = 0.0
    talk_percent: float | None = None
    wpm: int = 0
    spoken_seconds: float = 0.0


def _message_seconds(message: dict[str, Any]) -> float:
    duration = _num(message.get("duration"), -1.0)
    if duration >= 0:
        return duration
    seconds = _seconds_between(_time(message.get("startTime")), _time(message.get("endTime")))
    return seconds or 0.0


def _collect_members(
    conversation: dict[str, Any], analytics: list[dict[str, Any]], messages: list[dict[str, Any]]
) -> dict[str, _Member]:
    """Distinct speakers in order of first appearance: conversation members, analytics, messages."""
    people: dict[str, _Member] = {}

    def meet(value: Any) -> _Member | None:
        name, email = _person(value)
        if not name:
            return None
        member = people.setdefault(name, _Member(name))
        member.email = member.email or email
        return member

    for value in _items(conversation, "members"):
        meet(value)
    for value in analytics:
        member = meet(value)
        if member is not None:
            talk = value.get("talkTime")
            member.talk_seconds = round(_num(_dict(talk).get("seconds")), 3)
            member.talk_percent = _percent(talk)
            member.wpm = _whole(_num(_dict(value.get("pace")).get("wpm")))
    for message in messages:
        member = meet(message.get("from"))
        if member is not None:
            member.spoken_seconds += _message_seconds(message)
    return people


def _shares(people: dict[str, _Member]) -> dict[str, tuple[float, float]] | None:
    """(talk seconds, talk percent) per speaker: analytics, else the sum of message durations.

    None when no talk time is known at all.
    """
    if any(member.talk_percent is not None for member in people.values()):
        return {name: (m.talk_seconds, m.talk_percent or 0.0) for name, m in people.items()}
    total = sum(member.spoken_seconds for member in people.values())
    if total <= 0:
        return None
    return {name: (round(m.spoken_seconds, 3), m.spoken_seconds * 100 / total) for name, m in people.items()}


def _members(people: dict[str, _Member], shares: dict[str, tuple[float, float]] | None) -> list[MemberItem]:
    items = []
    for name, member in people.items():
        seconds, percent = (shares or {}).get(name, (0.0, 0.0))
        items.append(
            MemberItem(
                name=name, email=member.email, talk_seconds=seconds, talk_percent=round(percent, 1), wpm=member.wpm
            )
        )
    return items


def _talk_time(members: list[MemberItem], known: bool) -> str:
    """``"Alice 62%, Bob 38%"`` (from the members' one-decimal percents), "" when unknown."""
    return ", ".join(f"{m.name} {_whole(m.talk_percent)}%" for m in members) if known else ""


# --- text -------------------------------------------------------------------------------------


def _sentiment(messages: list[dict[str, Any]]) -> tuple[float, SentimentLabel]:
    """Length-weighted mean message polarity; label "" when no message carries a score."""
    total = weight_sum = 0.0
    for message in messages:
        score = _polarity(message.get("sentiment"))
        if score is None:
            continue
        weight = float(max(len(_str(message.get("text"))), 1))
        total += score * weight
        weight_sum += weight
    if weight_sum == 0:
        return 0.0, ""
    score = round(total / weight_sum, 3) + 0.0
    return score, sentiment_label(score)


def _transcript(messages: list[dict[str, Any]], max_chars: int) -> tuple[str, bool]:
    """``Speaker: text`` lines within ``max_chars``, cut at a line boundary where possible."""
    lines: list[str] = []
    used = 0
    for message in messages:
        text = _one_line(_str(message.get("text")))
        if not text:
            continue
        speaker = _person(message.get("from"))[0]
        line = f"{speaker}: {text}" if speaker else text
        needed = len(line) + (1 if lines else 0)
        if used + needed > max_chars:
            if not lines and max_chars > 0:
                return shorten(line, max_chars), True
            return "\n".join(lines), True
        lines.append(line)
        used += needed
    return "\n".join(lines), False


def _summary(body: dict[str, Any]) -> str:
    return " ".join(t for t in (_one_line(_str(item.get("text"))) for item in _items(body, "summary")) if t)


def _topics(body: dict[str, Any]) -> list[TopicItem]:
    """Topics, highest score first (ties keep Symbl's order)."""
    topics = []
    for item in _items(body, "topics"):
        text = _one_line(_str(item.get("text")))
        if not text:
            continue
        sentiment = _dict(item.get("sentiment"))
        label = _str(sentiment.get("suggested")).lower()
        if label not in _SENTIMENTS:
            score = _polarity(sentiment)
            label = "" if score is None else sentiment_label(score)
        topics.append(TopicItem(text=text, score=_num(item.get("score")), sentiment=label))
    return sorted(topics, key=lambda topic: -topic.score)


def _assignee(item: dict[str, Any]) -> tuple[str, str]:
    """(name, email) from ``assignee``, else a person entity flagged ``value.assignee``."""
    name, email = _person(item.get("assignee"))
    if name:
        return name, email
    for entity in _items(item, "entities"):
        value = _dict(entity.get("value"))
        if _str(entity.get("type")).lower() == "person" and value.get("assignee") is True:
            return _str(value.get("name")) or _str(entity.get("text")), email
    return "", email


def _tasks(body: dict[str, Any], key: str, model: type[ActionItem], people: dict[str, _Member]) -> list[Any]:
    """Action items or follow-ups; a missing assignee e-mail is taken from the speaker of that name."""
    tasks = []
    for item in _items(body, key):
        text = _one_line(_str(item.get("text")))
        if not text:
            continue
        name, email = _assignee(item)
        if name and not email and name in people:
            email = people[name].email
        due = _str(item.get("dueBy"))
        tasks.append(model(text=text, assignee=name, assignee_email=email, due=due, score=_num(item.get("score"))))
    return tasks


def task_line(task: ActionItem) -> str:
    """``- text (assignee, due YYYY-MM-DD)``, the parenthesis only with what is known."""
    details = [part for part in (task.assignee, f"due {day(task.due)}" if task.due else "") if part]
    return f"- {task.text} ({', '.join(details)})" if details else f"- {task.text}"


def _questions(body: dict[str, Any]) -> list[Question]:
    questions = []
    for item in _items(body, "questions"):
        text = _one_line(_str(item.get("text")))
        if text:
            questions.append(Question(text=text, asked_by=_person(item.get("from"))[0]))
    return questions


def question_line(question: Question) -> str:
    """``- text (asked_by)``."""
    return f"- {question.text} ({question.asked_by})" if question.asked_by else f"- {question.text}"


# --- entities ---------------------------------------------------------------------------------


def _entity_value(entity: dict[str, Any]) -> str:
    """A string value: dicts give their name, ranges give ``start – end``, lists are joined."""
    value = entity.get("value")
    if isinstance(value, dict):
        for key in ("name", "value", "text"):
            if _str(value.get(key)):
                return _one_line(_str(value.get(key)))
        value = None
    if isinstance(value, list):
        return ", ".join(s for s in (_one_line(_str(v)) for v in value) if s)
    text = _one_line(_str(value))
    if text:
        return text
    start, end = _str(entity.get("start")), _str(entity.get("end"))
    if start or end:
        return f"{start} – {end}".strip(" –")
    return ""


def _entity_items(body: dict[str, Any]) -> Iterator[EntityItem]:
    """Yield entities from the legacy shape and from the newer ``matches`` shape."""
    for entity in _items(body, "entities"):
        kind = _str(entity.get("type"))
        matches = entity.get("matches")
        if isinstance(matches, list):
            for match in matches:
                detected = _one_line(_str(_dict(match).get("detectedValue")))
                if detected:
                    yield EntityItem(type=kind, value=detected, text=detected)
            continue
        value = _entity_value(entity)
        text = _one_line(_str(entity.get("text"))) or value
        if value or text:
            yield EntityItem(type=kind, value=value or text, text=text)


def _entities(body: dict[str, Any]) -> list[EntityItem]:
    """Entities once each (same type, value and text)."""
    seen: set[tuple[str, str, str]] = set()
    entities = []
    for item in _entity_items(body):
        key = (item.type, item.value, item.text)
        if key not in seen:
            seen.add(key)
            entities.append(item)
    return entities


def _entities_text(entities: list[EntityItem]) -> str:
    lines = dict.fromkeys(f"{e.type}: {e.value}" if e.type else e.value for e in entities)
    return "\n".join(lines)


# --- trackers ---------------------------------------------------------------------------------


def _refs(match: dict[str, Any]) -> list[dict[str, Any]]:
    return _items(match, "messageRefs")


def _trackers(trackers: list[Any]) -> list[TrackerHit]:
    """Trackers that matched, merged by name; count = distinct messages referenced."""
    hits: dict[str, tuple[set[str], list[int], list[str]]] = {}
    for tracker in (item for item in trackers if isinstance(item, dict)):
        name = _one_line(_str(tracker.get("name")))
        matches = _items(tracker, "matches")
        if not name or not matches:
            continue
        ids, anonymous, examples = hits.setdefault(name, (set(), [0], []))
        for match in matches:
            refs = _refs(match) or _items(match, "insightRefs")
            if not refs:
                anonymous[0] += 1
            for ref in refs:
                ref_id = _str(ref.get("id"))
                if ref_id:
                    ids.add(ref_id)
                else:
                    anonymous[0] += 1
                if not examples and _str(ref.get("text")):
                    examples.append(_one_line(_str(ref.get("text"))))
            if not examples and _str(match.get("value")):
                examples.append(_one_line(_str(match.get("value"))))
    return [
        TrackerHit(name=name, count=len(ids) + anonymous[0], example=examples[0] if examples else "")
        for name, (ids, anonymous, examples) in hits.items()
    ]


def _trackers_text(trackers: list[TrackerHit]) -> str:
    return "\n".join(f"{t.name} ({t.count}): {t.example}" if t.example else f"{t.name} ({t.count})" for t in trackers)


# --- the whole ------------------------------------------------------------------------------


def flatten(
    raw: RawInsights,
    *,
    name: str = "",
    language: str = "",
    links: Links | None = None,
    transcript_max_chars: int = 20000,
) -> FlatInsights:
    """Flatten Symbl's bodies into `FlatInsights`, every field filled (empty when unknown).

    ``name`` overrides the conversation's name (then its ID); ``language`` defaults to en-US;
    ``links`` are copied as given; the Slack and CRM messages are rendered from the result.
    """
    raw = raw.model_copy(update={f: clean(getattr(raw, f)) for f in _CLEANED})
    name = clean_text(name)
    conversation = _dict(raw.conversation)
    messages = _items(raw.messages, "messages")
    people = _collect_members(conversation, _items(raw.analytics, "members"), messages)
    shares = _shares(people)
    members = _members(people, shares)
    topics = _topics(raw.topics)
    action_items = _tasks(raw.action_items, "actionItems", ActionItem, people)
    follow_ups = _tasks(raw.follow_ups, "followUps", FollowUp, people)
    questions = _questions(raw.questions)
    entities = _entities(raw.entities)
    trackers = _trackers(raw.trackers)
    score, label = _sentiment(messages)
    transcript, truncated = _transcript(messages, transcript_max_chars)
    start = _iso(conversation.get("startTime")) or (_iso(messages[0].get("startTime")) if messages else "")
    end = _iso(conversation.get("endTime")) or (_iso(messages[-1].get("endTime")) if messages else "")
    flat = FlatInsights(
        conversation_id=raw.conversation_id or _str(conversation.get("id")),
        job_id=raw.job_id,
        status=raw.status,
        name=_one_line(name)
        or _one_line(_str(conversation.get("name")))
        or raw.conversation_id
        or _str(conversation.get("id")),
        start_time=start,
        end_time=end,
        duration_seconds=_duration(conversation, messages),
        language=language.strip() or DEFAULT_LANGUAGE,
        speakers=", ".join(people),
        speaker_count=len(people),
        talk_time=_talk_time(members, bool(shares)),
        summary=_summary(raw.summary),
        topics=", ".join(topic.text for topic in topics),
        action_items_text="\n".join(task_line(task) for task in action_items),
        questions_text="\n".join(question_line(question) for question in questions),
        follow_ups_text="\n".join(task_line(task) for task in follow_ups),
        entities_text=_entities_text(entities),
        trackers_text=_trackers_text(trackers),
        transcript_text=transcript,
        transcript_truncated=truncated,
        topic_count=len(topics),
        action_item_count=len(action_items),
        question_count=len(questions),
        follow_up_count=len(follow_ups),
        tracker_hit_count=sum(tracker.count for tracker in trackers),
        sentiment_score=score,
        sentiment_label=label,
        has_action_items=bool(action_items),
        is_negative=label == "negative",
        tracker_names=", ".join(tracker.name for tracker in trackers),
        action_items=action_items,
        questions=questions,
        follow_ups=follow_ups,
        topic_list=topics,
        entities=entities,
        trackers=trackers,
        members=members,
        links=links.model_copy() if links is not None else Links(),
        warnings=[warning.model_copy() for warning in raw.warnings],
    )
    return flat.model_copy(
        update={
            "slack_text": render_slack_text(flat),
            "slack_blocks": render_slack_blocks(flat),
            "crm_note": render_crm_note(flat),
        }
    )


def transcript_of(messages_body: Any, max_chars: int) -> tuple[str, bool, str]:
    """``Speaker: text`` lines of a messages body within ``max_chars``, whether they were cut, and
    the first message's start time (ISO, "" when unknown). Used for the prompts sent to Nebula."""
    messages = _items(messages_body, "messages")
    text, cut = _transcript(messages, max_chars)
    return text, cut, _iso(messages[0].get("startTime")) if messages else ""
