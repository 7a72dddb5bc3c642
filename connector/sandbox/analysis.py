"""Everything the Conversation API shows for one conversation, derived once per change and cached.

The visible transcript (messages of completed jobs) gets the speaker events and member edits
applied, then every insight module runs over it. The cache key is the set of completed jobs
plus the conversation's edit version, so reads are cheap and consistent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from connector.sandbox import analytics, entities, insights, summary, topics, trackers
from connector.sandbox.people import members
from connector.sandbox.state import Conversation, SandboxState
from connector.sandbox.transcript import Message, Speaker


@dataclass
class Analysis:
    """Derived Conversation API content (Symbl-shaped dicts) for one conversation state."""

    messages: list[Message]
    members: list[Speaker]
    questions: list[dict[str, Any]] = field(default_factory=list)
    action_items: list[dict[str, Any]] = field(default_factory=list)
    follow_ups: list[dict[str, Any]] = field(default_factory=list)
    topics: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    trackers: list[dict[str, Any]] = field(default_factory=list)
    summary: list[dict[str, Any]] = field(default_factory=list)
    analytics: dict[str, Any] = field(default_factory=dict)
    phrases: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # message id -> phrases

    def insights(self) -> list[dict[str, Any]]:
        """Return questions, action items and follow-ups in transcript order."""
        order = {m.id: i for i, m in enumerate(self.messages)}
        items = self.questions + self.action_items + self.follow_ups
        return sorted(items, key=lambda item: order.get(item["messageIds"][0], 0))


def _speaker_intervals(events: list[dict[str, Any]]) -> list[tuple[float, float, Speaker]]:
    open_at: dict[str, tuple[float, Speaker]] = {}
    intervals = []
    for event in sorted(events, key=lambda e: e["_seconds"]):
        user = event["user"]
        key = str(user.get("id") or user.get("email") or user.get("name")).lower()
        speaker = Speaker(
            key=key,
            name=str(user.get("name") or user.get("email") or "Speaker"),
            user_id=user.get("email"),
            email=user.get("email"),
            fixed_id=user.get("id"),
        )
        if event["type"] == "started_speaking":
            open_at[key] = (event["_seconds"], speaker)
        elif key in open_at:
            start, speaker = open_at.pop(key)
            intervals.append((start, event["_seconds"], speaker))
    intervals += [(start, float("inf"), speaker) for start, speaker in open_at.values()]
    return intervals


def effective_messages(conv: Conversation, messages: list[Message]) -> list[Message]:
    """Apply speaker events and member edits to the visible transcript."""
    if not messages:
        return messages
    if conv.speaker_events:
        origin = messages[0].start
        intervals = _speaker_intervals(conv.speaker_events)
        relabelled = []
        for message in messages:
            middle = ((message.start - origin) + (message.end - origin)).total_seconds() / 2
            hits = [s for a, b, s in intervals if a <= middle < b]
            relabelled.append(message.with_speaker(hits[-1]) if hits else message)
        messages = relabelled
    if conv.member_overrides:
        messages = [
            m.with_speaker(conv.member_overrides.get(m.speaker.member_id(conv.id), m.speaker)) if m.speaker else m
            for m in messages
        ]
    return messages


def analyze(conv: Conversation, messages: list[Message]) -> Analysis:
    """Derive every Conversation API part from ``messages``."""
    options = conv.options()
    people = members(messages)
    threshold = options[0].confidence_threshold if options else 0.5
    found = insights.derive(messages, conv.id, people, threshold)
    result = Analysis(
        messages=messages,
        members=people,
        questions=found["questions"],
        action_items=found["actionItems"],
        follow_ups=found["followUps"],
    )
    named = [p.name for p in people] + sorted(entities.person_names(messages))
    named += entities.own_organizations(messages)  # "Maria from Brightline": the speaker's company is no topic
    excluded = {part.lower() for name in named for part in name.split()}
    result.topics = topics.derive(messages, conv.id, excluded)
    if any(o.detect_entities for o in options):
        result.entities = entities.derive(messages, people, [e for o in options for e in o.entities])
    tracker_specs: dict[str, list[str]] = {}
    for spec in [t for o in options for t in o.trackers + o.saved_trackers]:
        tracker_specs.setdefault(spec["name"], []).extend(spec["vocabulary"])
    result.trackers = trackers.derive(
        messages, conv.id, [{"name": n, "vocabulary": v} for n, v in tracker_specs.items()], result.insights()
    )
    result.summary = summary.derive(
        messages, conv.id, result.topics, result.action_items, result.questions, result.follow_ups
    )
    result.analytics = analytics.derive(messages, conv.id)
    if any(o.detect_phrases for o in options):
        for item in result.action_items + result.follow_ups:
            result.phrases.setdefault(item["messageIds"][0], []).extend(item["phrases"])
    return result


def analysis_for(state: SandboxState, conv: Conversation, now: float) -> Analysis:
    """Return the (cached) analysis of what ``conv`` shows at ``now``."""
    with state.lock:
        done = conv.completed_jobs(now)
        key = (tuple(j.id for j in done), conv.version)
        cached = state.analysis_cache.get(conv.id)
        if cached is not None and cached[0] == key:
            return cached[1]
        messages = effective_messages(conv, [m for j in done for m in j.messages])
    result = analyze(conv, messages)
    with state.lock:
        state.analysis_cache[conv.id] = (key, result)
    return result
