"""Symbl's Call Score, emulated: ``GET /v1/conversations/{id}/callscore/status`` and ``/callscore``.

A score exists when a submit of the conversation asked for it (``features.featureList`` holds
``callScore``). It becomes ready `SandboxConfig.callscore_lag_seconds` after the conversation's last
job completes (Symbl computes it after the job, so its status lags the job's). A transcript under
50 words gets status ``failed`` and no score (Symbl documents that no score is produced; the status
it then shows is not documented, and ``failed`` is the plainest choice).

The criteria are local heuristics, deterministic for one transcript:
- Communication and Engagement: how evenly the talk time is shared;
- Question Handling: the share of questions another speaker answered;
- Forward Motion: next steps agreed (action items and follow-ups, more with due dates);
- Sales Process (sales calls in the qualification stage only): budget, authority, need and timeline
  each discussed. The total is the criteria's average.
"""

from __future__ import annotations

import re
import time
from typing import Any

from flask import Blueprint, current_app, g, jsonify

from connector.sandbox.analysis import Analysis, analysis_for
from connector.sandbox.errors import SymblError
from connector.sandbox.gateway import conversation_latency
from connector.sandbox.jobs import ACTIVE
from connector.sandbox.state import Conversation, SandboxState

bp = Blueprint("sandbox_callscore", __name__, url_prefix="/v1/conversations")

MIN_WORDS = 50
_BANT = {
    "budget": re.compile(r"\b(?:budget|price|pricing|cost|spend|\$\s?\d|\d+\s?(?:k|dollars|usd|euros?))\b", re.I),
    "authority": re.compile(r"\b(?:sign(?:s|ed)? off|decision|approve|approval|cto|ceo|cfo|vp|director|boss)\b", re.I),
    "need": re.compile(r"\b(?:need|problem|pain|challenge|struggl\w*|issue|looking for|requirement)\b", re.I),
    "timeline": re.compile(
        r"\b(?:timeline|deadline|by (?:monday|tuesday|wednesday|thursday|friday|end of)|"
        r"next (?:week|month|quarter)|this (?:week|month|quarter)|q[1-4])\b",
        re.I,
    ),
}


def _state() -> SandboxState:
    return current_app.extensions["sandbox"]


def _requested(conv: Conversation) -> bool:
    return any(o.call_score for o in conv.options())


def _status(conv: Conversation, analysis: Analysis, now: float) -> str:
    if not conv.jobs or any(j.status(now) in ACTIVE for j in conv.jobs):
        return "in_progress"
    if now < max(j.finish_at() for j in conv.jobs) + _state().config.callscore_lag_seconds:
        return "in_progress"
    if sum(len(m.text.split()) for m in analysis.messages) < MIN_WORDS:
        return "failed"
    return "completed"


def _load(conversation_id: str) -> tuple[Conversation, Analysis, str]:
    conversation_latency("callscore")
    conv = _state().conversation(g.app_id, conversation_id)
    if not _requested(conv):
        raise SymblError(404, "Call Score was not requested for this conversation.")
    now = time.time()
    analysis = analysis_for(_state(), conv, now)
    return conv, analysis, _status(conv, analysis, now)


def _criterion(name: str, score: float, summary: str, positive: str, negative: str) -> dict[str, Any]:
    return {
        "name": name,
        "score": round(max(0.0, min(100.0, score))),
        "summary": summary,
        "feedback": {"positive": {"summary": positive}, "negative": {"summary": negative}},
    }


def _engagement(analysis: Analysis) -> dict[str, Any]:
    talk: dict[str, float] = {}
    for m in analysis.messages:
        key = m.speaker.name if m.speaker else "Speaker"
        talk[key] = talk.get(key, 0.0) + (m.end - m.start).total_seconds()
    total = sum(talk.values()) or 1.0
    people = len(talk)
    if people < 2:
        return _criterion(
            "Communication and Engagement",
            45,
            "Only one speaker was identified.",
            "The message was delivered without interruption.",
            "There was no back-and-forth; involve the other side with questions.",
        )
    top_name, top = max(talk.items(), key=lambda item: item[1])
    share = top / total
    balance = 1 - (share - 1 / people) / (1 - 1 / people)
    return _criterion(
        "Communication and Engagement",
        50 + 45 * balance,
        f"{top_name} spoke {round(100 * share)}% of the time across {people} speakers.",
        "Every participant had a turn to speak." if balance > 0.6 else f"{top_name} led the conversation clearly.",
        "Talk time was well balanced." if balance > 0.8 else f"{top_name} dominated; leave more room to listen.",
    )


def _question_handling(analysis: Analysis) -> dict[str, Any]:
    order = {m.id: i for i, m in enumerate(analysis.messages)}
    asked = answered = 0
    for question in analysis.questions:
        index = order.get(question["messageIds"][0])
        if index is None:
            continue
        asked += 1
        asker = analysis.messages[index].speaker
        following = analysis.messages[index + 1 : index + 3]
        if any(m.speaker != asker for m in following):
            answered += 1
    if not asked:
        return _criterion(
            "Question Handling",
            40,
            "No questions were asked.",
            "The conversation stayed on track.",
            "Ask open questions to learn the other side's needs.",
        )
    return _criterion(
        "Question Handling",
        40 + 60 * answered / asked,
        f"{answered} of {asked} questions were answered.",
        "Questions got direct answers." if answered else "Questions were raised.",
        "Every question was addressed." if answered == asked else "Some questions were left unanswered.",
    )


def _forward_motion(analysis: Analysis) -> dict[str, Any]:
    steps = analysis.action_items + analysis.follow_ups
    dated = sum(1 for item in steps if item.get("dueBy"))
    score = 30 + 15 * min(len(steps), 4) + 5 * min(dated, 2)
    return _criterion(
        "Forward Motion",
        score,
        f"{len(steps)} next steps were agreed, {dated} with a date.",
        "Clear next steps were agreed." if steps else "The conversation covered the topic.",
        "Next steps have owners and dates." if dated else "Agree on next steps with owners and dates.",
    )


def _sales_process(analysis: Analysis) -> dict[str, Any]:
    text = " ".join(m.text for m in analysis.messages)
    covered = [name for name, pattern in _BANT.items() if pattern.search(text)]
    missing = [name for name in _BANT if name not in covered]
    return _criterion(
        "Sales Process",
        25 * len(covered),
        f"Qualification covered {', '.join(covered) or 'nothing'}.",
        f"Discussed {', '.join(covered)}." if covered else "The call was friendly.",
        f"Qualify {', '.join(missing)} next time." if missing else "Budget, authority, need and timeline were covered.",
    )


def score(conv: Conversation, analysis: Analysis) -> dict[str, Any]:
    """The ``GET /callscore`` body."""
    options = next((o for o in reversed(conv.options()) if o.call_score), None)
    criteria = [_engagement(analysis), _question_handling(analysis), _forward_motion(analysis)]
    if options is not None and options.conversation_type == "sales" and options.sales_stage == "qualification":
        criteria.append(_sales_process(analysis))
    total = round(sum(c["score"] for c in criteria) / len(criteria))
    best = max(criteria, key=lambda c: c["score"])
    worst = min(criteria, key=lambda c: c["score"])
    prospect = f" with {options.prospect_name}" if options is not None and options.prospect_name else ""
    summary = (
        f"The call{prospect} scored {total}/100. Strongest: {best['name']} ({best['score']}); "
        f"to improve: {worst['name']} ({worst['score']})."
    )
    return {"score": total, "summary": summary, "criteria": criteria}


@bp.get("/<conversation_id>/callscore/status")
def callscore_status(conversation_id: str):
    """``{"jobId", "status"}``: in_progress until the score is ready, then completed (or failed)."""
    conv, _, status = _load(conversation_id)
    return jsonify({"jobId": conv.jobs[-1].id, "status": status})


@bp.get("/<conversation_id>/callscore")
def callscore(conversation_id: str):
    """The score with its criteria; 404 until the status is completed."""
    conv, analysis, status = _load(conversation_id)
    if status != "completed":
        raise SymblError(404, f"Call Score is not available: its status is {status}.")
    return jsonify(score(conv, analysis))
