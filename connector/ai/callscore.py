"""Wait for a conversation's Call Score and flatten it.

Symbl computes the score after the job completes, so its status lags. However many requests wait
for one conversation, across workers and instances, one status stream reaches Symbl: a store lease
that expires after `POLL_SECONDS` lets at most one status call per interval through, and the first
caller to see ``completed`` reads the score once and keeps it in the store for everyone."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from connector.insights.contract import CallScoreCriterion
from connector.store import keys
from connector.store.base import Store
from connector.store.lease import Lease
from connector.symbl.client import SymblClient
from connector.symbl.credentials import Credential

POLL_SECONDS = 1.0
KEEP_SECONDS = 30 * 86400  # a ready score for a conversation's job does not change
KEEP_FAILED_SECONDS = 600
MIN_WORDS = 50  # Symbl produces no score for a shorter transcript


@dataclass(frozen=True)
class Score:
    """What the flat insights show of a Call Score."""

    state: Literal["ready", "failed", "pending"]
    body: dict[str, Any] = field(default_factory=dict)

    def fields(self) -> dict[str, Any]:
        """The flat fields: call_score, call_score_summary, call_score_text, call_score_criteria."""
        if self.state != "ready":
            return {}
        criteria = [_criterion(c) for c in self.body.get("criteria") or [] if isinstance(c, dict)]
        return {
            "call_score": _score(self.body.get("score")),
            "call_score_summary": _text(self.body.get("summary")),
            "call_score_text": "\n".join(f"{c.name}: {c.score}/100 - {c.summary}".rstrip(" -") for c in criteria),
            "call_score_criteria": criteria,
        }


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _score(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return round(max(0.0, min(100.0, float(value))))


def _criterion(item: dict[str, Any]) -> CallScoreCriterion:
    raw = item.get("feedback")
    feedback: dict[str, Any] = raw if isinstance(raw, dict) else {}

    def said(kind: str) -> str:
        part = feedback.get(kind)
        return _text(part.get("summary")) if isinstance(part, dict) else _text(part)

    return CallScoreCriterion(
        name=_text(item.get("name")),
        score=_score(item.get("score")) or 0,
        summary=_text(item.get("summary")),
        positive=said("positive"),
        negative=said("negative"),
    )


class CallScores:
    """Reads Call Scores with one status stream per conversation."""

    def __init__(
        self,
        client: SymblClient,
        store: Store,
        *,
        poll_seconds: float = POLL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._store = store
        self._poll = poll_seconds
        self._clock = clock
        self._sleep = sleep
        self._owner = uuid.uuid4().hex

    def wait(
        self,
        credential: Credential,
        conversation_id: str,
        job_id: str,
        deadline: float,
        stop: threading.Event | None = None,
    ) -> Score:
        """The score when it is ready by ``deadline`` (a monotonic time), else pending (or failed).
        Setting ``stop`` ends the wait early (pending)."""
        kept = keys.callscore(conversation_id, job_id)
        while stop is None or not stop.is_set():
            cached = self._store.kv_get(kept)
            if cached is not None:
                data = json.loads(cached)
                return Score("failed") if data.get("failed") else Score("ready", data)
            if Lease(self._store, keys.callscore_poll(conversation_id), self._poll, self._owner).acquire():
                if self._store.kv_get(kept) is not None:
                    continue  # kept by the poller whose lease just expired
                call_deadline = max(deadline, self._clock() + 10.0)  # one read may finish past the wait
                status = self._client.callscore_status(credential, conversation_id, call_deadline)
                if status == "completed":
                    body = self._client.callscore(credential, conversation_id, call_deadline)
                    self._store.kv_set(kept, json.dumps(body), KEEP_SECONDS)
                    return Score("ready", body)
                if status == "failed":
                    self._store.kv_set(kept, json.dumps({"failed": True}), KEEP_FAILED_SECONDS)
                    return Score("failed")
            remaining = deadline - self._clock()
            if remaining <= 0:
                return Score("pending")
            self._sleep(min(self._poll / 4, remaining))
        return Score("pending")
