"""Symbl's Conversation API: metadata, transcript, insights, analytics, members and speakers.

Content exists once a job is ``completed`` (before that lists are empty); the summary answers
404 while any job of the conversation is still running. Every read sleeps the configured latency.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request

from connector.sandbox import formatted
from connector.sandbox.analysis import Analysis, analysis_for
from connector.sandbox.errors import SymblError, bad_request
from connector.sandbox.gateway import conversation_latency
from connector.sandbox.ids import iso, parse_iso, unit
from connector.sandbox.jobs import ACTIVE
from connector.sandbox.people import from_json, member_json
from connector.sandbox.sentiment import polarity, sentiment
from connector.sandbox.state import Conversation, SandboxState
from connector.sandbox.transcript import Message, Speaker

bp = Blueprint("sandbox_conversations", __name__, url_prefix="/v1/conversations")


def _state() -> SandboxState:
    return current_app.extensions["sandbox"]


def _flag(name: str) -> bool:
    return request.args.get(name, "").strip().lower() == "true"


def _load(conversation_id: str, part: str) -> tuple[Conversation, Analysis]:
    conversation_latency(part)
    conv = _state().conversation(g.app_id, conversation_id)
    return conv, analysis_for(_state(), conv, time.time())


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        raise bad_request('"value" must be of type object')
    return body


def _bounds(conv: Conversation, analysis: Analysis) -> tuple[datetime, datetime]:
    if analysis.messages:
        return analysis.messages[0].start, max(m.end for m in analysis.messages)
    first = next((j.messages[0].start for j in conv.jobs if j.messages), None)
    start = first or datetime.fromtimestamp(conv.created_at).astimezone()
    return start, start


def conversation_json(conv: Conversation, analysis: Analysis) -> dict[str, Any]:
    """Return ``GET /v1/conversations/{id}``'s body."""
    start, end = _bounds(conv, analysis)
    return {
        "id": conv.id,
        "type": "meeting",
        "name": conv.name or conv.id,
        "startTime": iso(start),
        "endTime": iso(end),
        "members": [member_json(p, conv.id) for p in analysis.members],
        "metadata": conv.metadata,
    }


def _words(message: Message, origin: datetime) -> list[dict[str, Any]]:
    tokens = message.text.split()
    span = (message.end - message.start).total_seconds()
    total = sum(len(t) for t in tokens) or 1
    cursor = message.start
    words = []
    for i, token in enumerate(tokens):
        stop = cursor + timedelta(seconds=span * len(token) / total)
        word: dict[str, Any] = {"word": token, "startTime": iso(cursor), "endTime": iso(stop)}
        if message.spoken:
            word["score"] = round(0.8 + 0.19 * unit(message.id, i, token), 2)
        word["timeOffset"] = round((cursor - origin).total_seconds(), 2)
        word["duration"] = round((stop - cursor).total_seconds(), 2)
        words.append(word)
        cursor = stop
    return words


def message_json(
    message: Message, conv_id: str, origin: datetime, analysis: Analysis, with_sentiment: bool, verbose: bool
) -> dict[str, Any]:
    """Return one message as ``GET .../messages`` shows it."""
    out: dict[str, Any] = {
        "id": message.id,
        "text": message.text,
        "from": from_json(message.speaker, conv_id),
        "startTime": iso(message.start),
        "endTime": iso(message.end),
        "timeOffset": round((message.start - origin).total_seconds(), 2),
        "duration": round((message.end - message.start).total_seconds(), 2),
        "conversationId": conv_id,
        "phrases": analysis.phrases.get(message.id, []),
    }
    if with_sentiment:
        out["sentiment"] = sentiment(polarity(message.text))
    if verbose:
        out["words"] = _words(message, origin)
    return out


@bp.get("")
def list_conversations():
    """List the account's conversations (``limit``, ``offset``, ``order``, ``startTime``, ``endTime``)."""
    conversation_latency("conversations")
    try:
        limit = int(request.args.get("limit", 20))
        offset = int(request.args.get("offset", 0))
    except ValueError:
        raise bad_request('"limit" and "offset" must be numbers') from None
    if not 0 <= limit <= 65536 or offset < 0:
        raise bad_request('"limit" must be between 0 and 65536 and "offset" must be at least 0')
    order = request.args.get("order", "asc")
    if order not in ("asc", "desc"):
        raise bad_request('"order" must be one of [asc, desc]')
    since, until = parse_iso(request.args.get("startTime")), parse_iso(request.args.get("endTime"))
    state, now = _state(), time.time()
    items = [conversation_json(c, analysis_for(state, c, now)) for c in state.list_conversations(g.app_id)]

    def within(started: datetime | None) -> bool:
        return started is not None and (since is None or started >= since) and (until is None or started <= until)

    if since is not None or until is not None:
        items = [c for c in items if within(parse_iso(c["startTime"]))]
    items.sort(key=lambda c: (c["startTime"], c["id"]), reverse=order == "desc")
    return jsonify({"conversations": items[offset : offset + limit]})


@bp.get("/<conversation_id>")
def get_conversation(conversation_id: str):
    """Return conversation metadata."""
    conv, analysis = _load(conversation_id, "conversation")
    return jsonify(conversation_json(conv, analysis))


@bp.put("/<conversation_id>")
def put_conversation(conversation_id: str):
    """Update ``metadata`` (the only updatable field)."""
    body = _body()
    conv = _state().conversation(g.app_id, conversation_id)
    if "metadata" not in body:
        raise bad_request('"metadata" is required')
    if not isinstance(body["metadata"], dict):
        raise bad_request('"metadata" must be of type object')
    for key in body:
        if key != "metadata":
            raise bad_request(f'"{key}" is not allowed')
    with _state().lock:
        conv.metadata.update(body["metadata"])
    return jsonify({"id": conv.id, "metadata": conv.metadata})


@bp.delete("/<conversation_id>")
def delete_conversation(conversation_id: str):
    """Delete a conversation and everything derived from it."""
    _state().delete(g.app_id, conversation_id)
    return jsonify({"message": "successfully deleted the conversation"})


@bp.get("/<conversation_id>/messages")
def messages(conversation_id: str):
    """Return the transcript (``sentiment=true`` and ``verbose=true`` add fields)."""
    conv, analysis = _load(conversation_id, "messages")
    origin = analysis.messages[0].start if analysis.messages else datetime.now()
    with_sentiment, verbose = _flag("sentiment"), _flag("verbose")
    return jsonify(
        {"messages": [message_json(m, conv.id, origin, analysis, with_sentiment, verbose) for m in analysis.messages]}
    )


@bp.get("/<conversation_id>/topics")
def topics(conversation_id: str):
    """Return topics (``sentiment=true``, ``parentRefs=true``)."""
    _, analysis = _load(conversation_id, "topics")
    with_sentiment, parents = _flag("sentiment"), _flag("parentRefs")
    out = []
    for topic in analysis.topics:
        item = {k: v for k, v in topic.items() if k not in ("sentiment", "parentRefs")}
        if with_sentiment:
            item["sentiment"] = topic["sentiment"]
        item["parentRefs"] = topic["parentRefs"] if parents else []
        out.append(item)
    return jsonify({"topics": out})


@bp.get("/<conversation_id>/action-items")
def action_items(conversation_id: str):
    """Return action items."""
    return jsonify({"actionItems": _load(conversation_id, "action-items")[1].action_items})


@bp.get("/<conversation_id>/follow-ups")
def follow_ups(conversation_id: str):
    """Return follow-ups."""
    return jsonify({"followUps": _load(conversation_id, "follow-ups")[1].follow_ups})


@bp.get("/<conversation_id>/questions")
def questions(conversation_id: str):
    """Return questions."""
    return jsonify({"questions": _load(conversation_id, "questions")[1].questions})


@bp.get("/<conversation_id>/insights")
def all_insights(conversation_id: str):
    """Return questions, action items and follow-ups in one list."""
    return jsonify({"insights": _load(conversation_id, "insights")[1].insights()})


@bp.get("/<conversation_id>/entities")
def entities(conversation_id: str):
    """Return entities (only when the submit set ``detectEntities``)."""
    return jsonify({"entities": _load(conversation_id, "entities")[1].entities})


@bp.get("/<conversation_id>/analytics")
def analytics(conversation_id: str):
    """Return talk-time metrics and per-member analytics."""
    return jsonify(_load(conversation_id, "analytics")[1].analytics)


@bp.get("/<conversation_id>/trackers-detected")
def trackers_detected(conversation_id: str):
    """Return detected trackers as a bare array."""
    return jsonify(_load(conversation_id, "trackers-detected")[1].trackers)


@bp.get("/<conversation_id>/trackers")
def trackers_deprecated(conversation_id: str):
    """Deprecated tracker endpoint (what the Python SDK calls); same bare array."""
    return jsonify(_load(conversation_id, "trackers")[1].trackers)


@bp.route("/<conversation_id>/summary", methods=["GET", "POST"])
def summary(conversation_id: str):
    """Return the summary; 404 while a job of the conversation is still running."""
    conv, analysis = _load(conversation_id, "summary")
    now = time.time()
    if any(j.status(now) in ACTIVE for j in conv.jobs):
        raise SymblError(404, "Summary is not available yet: the job for this conversation is still in progress.")
    return jsonify({"summary": analysis.summary})


@bp.get("/<conversation_id>/members")
def members(conversation_id: str):
    """Return the members."""
    conv, analysis = _load(conversation_id, "members")
    return jsonify({"members": [member_json(p, conv.id) for p in analysis.members]})


@bp.put("/<conversation_id>/members/<member_id>")
def put_member(conversation_id: str, member_id: str):
    """Rename or identify a member; messages and insights show the change."""
    body = _body()
    for key in ("id", "name"):
        if not isinstance(body.get(key), str) or not body[key]:
            raise bad_request(f'"{key}" is required')
    if body["id"] != member_id:
        raise bad_request('"id" must be the same as the memberId in the path')
    if body.get("email") is not None and not isinstance(body["email"], str):
        raise bad_request('"email" must be a string')
    state = _state()
    conv = state.conversation(g.app_id, conversation_id)
    with state.lock:
        speakers = {m.speaker.member_id(conv.id): m.speaker for j in conv.jobs for m in j.messages if m.speaker}
        speakers.update(conv.member_overrides)
        old = speakers.get(member_id)
        if old is None:
            raise SymblError(404, f"Member with id: {member_id} does not exist in conversationId: {conv.id}")
        email = body.get("email") or old.email
        conv.member_overrides[member_id] = Speaker(
            key=old.key, name=body["name"], user_id=email or old.user_id, email=email, fixed_id=old.fixed_id
        )
        conv.version += 1
    return jsonify(
        {
            "message": f"Member with id: {member_id} for conversationId: {conv.id} updated successfully! "
            "The update should be reflected in all messages and insights along with this "
            "conversation"
        }
    )


def _speaker_events(body: dict[str, Any]) -> list[dict[str, Any]]:
    events = body.get("speakerEvents")
    if events is None:
        raise bad_request('"speakerEvents" is required')
    if not isinstance(events, list):
        raise bad_request('"speakerEvents" must be an array')
    checked = []
    for i, event in enumerate(events):
        where = f'"speakerEvents[{i}]'
        if not isinstance(event, dict):
            raise bad_request(f'{where}" must be of type object')
        if event.get("type") not in ("started_speaking", "stopped_speaking"):
            raise bad_request(f'{where}.type" must be one of [started_speaking, stopped_speaking]')
        user = event.get("user")
        if not isinstance(user, dict) or not any(isinstance(user.get(k), str) for k in ("id", "name", "email")):
            raise bad_request(f'{where}.user" is required')
        offset = event.get("offset")
        if not isinstance(offset, dict):
            raise bad_request(f'{where}.offset" is required')
        parts = [offset.get("seconds", 0), offset.get("nanos", 0)]
        if not all(isinstance(p, int) and not isinstance(p, bool) and p >= 0 for p in parts):
            raise bad_request(f'{where}.offset" must hold non-negative integer seconds and nanos')
        checked.append({**event, "_seconds": parts[0] + parts[1] / 1e9})
    return checked


@bp.put("/<conversation_id>/speakers")
def put_speakers(conversation_id: str):
    """Attach speaker events; messages spoken inside an event's interval get that speaker."""
    events = _speaker_events(_body())
    state = _state()
    conv = state.conversation(g.app_id, conversation_id)
    with state.lock:
        conv.speaker_events.extend(events)
        conv.version += 1
    return jsonify(
        {
            "message": f"Speaker events associated for conversationId: {conv.id} successfully! The update "
            "should be reflected in all messages and insights along with this conversation"
        }
    )


@bp.post("/<conversation_id>/transcript")
def transcript(conversation_id: str):
    """Return a formatted transcript (``text/markdown`` or ``text/srt``)."""
    body = _body()
    _, analysis = _load(conversation_id, "transcript")
    return jsonify(formatted.render(analysis, body))
