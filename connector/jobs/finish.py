"""A job's terminal transition, exactly once per job for the whole deployment.

The finisher builds the deliveries (the caller's callback and every matching hook of the key
that submitted), then asks the store to move the job to its terminal status and enqueue them in
one atomic step. If another worker or instance got there first, nothing is enqueued twice."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any, Literal

from connector.insights.service import InsightsService
from connector.jobs.events import (
    EVENT_COMPLETED,
    EVENT_FAILED,
    CompletedEvent,
    FailedEvent,
    JobError,
    payload,
)
from connector.store.base import OutboxEvent, Store, StoreUnavailable, Submission
from connector.symbl.credentials import CredentialBook

SLOT_FREED = "slot-freed"
INSIGHTS_SECONDS = 60.0
"""How long reading a finished job's insights for its callback may take."""


def failure_error() -> dict[str, Any]:
    """The error recorded for a failed job."""
    return {
        "code": "job_failed",
        "message": "Symbl could not process this conversation (the job failed). Check that the recording "
        "URL is public and the file is a supported audio/video format, then submit again.",
    }


class Finisher:
    """Callable as ``finisher(sub, status)`` by the job watcher; `fail` for the queue."""

    def __init__(
        self,
        store: Store,
        insights: InsightsService,
        *,
        credentials: CredentialBook,
        default_base_url: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._insights = insights
        self._credentials = credentials
        self._default_base_url = default_base_url
        self._clock = clock

    def __call__(self, sub: Submission, status: str, error: dict[str, Any] | None = None) -> bool:
        """Finish ``sub`` with ``status`` (and ``error``, for a failure other than the job's own);
        True if this call made the transition."""
        current = self._store.get_submission(sub.job_id)
        if current is None or current.status in ("completed", "failed"):
            return False
        event = EVENT_COMPLETED if status == "completed" else EVENT_FAILED
        targets = self._targets(current, event)
        error = (error or failure_error()) if status == "failed" else None
        events: list[OutboxEvent] = []
        if targets:
            body = self._body(current, status, error)
            now = self._clock()
            for kind, url, hook_id in targets:
                event_id = str(uuid.uuid4())
                events.append(
                    OutboxEvent(
                        id=event_id,
                        kind=kind,
                        event=event,
                        target_url=url,
                        hook_id=hook_id,
                        job_id=sub.job_id,
                        payload=payload(body.model_copy(update={"event_id": event_id})),
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
        done = self._store.finish_submission(sub.job_id, status, error, events)  # type: ignore[arg-type]
        if done:
            try:
                self._store.publish("", SLOT_FREED)  # wakes the queue dispatchers of every process
            except StoreUnavailable:
                pass  # they also look every half second
        return done

    def fail(self, sub: Submission, error: dict[str, Any]) -> bool:
        """Finish ``sub`` as failed with ``error`` (an item Symbl refused)."""
        return self(sub, "failed", error)

    def _targets(self, sub: Submission, event: str) -> list[tuple[Literal["callback", "hook"], str, str | None]]:
        targets: list[tuple[Literal["callback", "hook"], str, str | None]] = []
        if sub.callback_url:
            targets.append(("callback", sub.callback_url, None))
        for hook in self._store.list_hooks(sub.api_key_id, event=event):
            targets.append(("hook", hook.target_url, hook.id))
        return targets

    def _body(self, sub: Submission, status: str, error: dict[str, Any] | None) -> CompletedEvent | FailedEvent:
        if status == "failed":
            return FailedEvent(
                event_id="",
                conversation_id=sub.conversation_id,
                job_id=sub.job_id,
                error=JobError.model_validate(error),
            )
        credential = self._credentials.get(sub.credential_id)
        if credential is None:
            raise RuntimeError("no Symbl credential known for this submission in this process")
        flat = self._insights.flat(
            credential,
            conversation_id=sub.conversation_id,
            job_id=sub.job_id,
            status="completed",
            include=sub.options.get("include"),
            deadline=time.monotonic() + INSIGHTS_SECONDS,
            name=sub.name,
            language=sub.options.get("language") or "",
            base_url=sub.options.get("base_url") or self._default_base_url,
            options=sub.options,
        )
        return CompletedEvent.model_validate({**flat.model_dump(), "event_id": ""})
