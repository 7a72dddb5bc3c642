"""A job's terminal transition, exactly once per job for the whole deployment.

The finisher builds the deliveries (the caller's callback and every matching hook of the key
that submitted), then asks the store to move the job to its terminal status and enqueue them in
one atomic step. If another worker or instance got there first, nothing is enqueued twice.

An Idempotency-Key repeat with another callback_url adds an extra callback target (`add_callback`):
kept in the store (``extra-callback:<job>:<n>``), read by the finisher with the others. Its delivery
has an event ID derived from job and URL, so when the job finished before the finisher saw the
target, the repeat enqueues the same event itself, once, whoever gets there first."""

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
from connector.store import keys
from connector.store.base import OutboxEvent, Store, StoreUnavailable, Submission
from connector.symbl.credentials import CredentialBook

SLOT_FREED = "slot-freed"
INSIGHTS_SECONDS = 60.0
"""How long reading a finished job's insights for its callback may take."""
MAX_EXTRA_CALLBACKS = 5
"""How many callback URLs Idempotency-Key repeats may add to one submission."""
EXTRA_CALLBACK_TTL = 7 * 24 * 3600.0

Target = tuple[Literal["callback", "hook"], str, str | None, str | None]
"""kind, URL, hook ID, fixed event ID (an extra callback's) or None for a new one."""


def extra_event_id(job_id: str, url: str) -> str:
    """The event ID of an extra callback's delivery: the same for the finisher and a late repeat."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{job_id} {url}"))


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
            for kind, url, hook_id, fixed_id in targets:
                events.append(self._event(body, sub.job_id, event, (kind, url, hook_id, fixed_id), now))
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

    def add_callback(self, sub: Submission, url: str) -> bool:
        """Deliver ``sub``'s result to ``url`` too (an Idempotency-Key repeat's callback_url); False
        when the submission already has `MAX_EXTRA_CALLBACKS` others. Safe across processes: the
        target is stored first, then the status re-read; if the job is already terminal, the event
        the finisher would have built is enqueued here (a no-op when the finisher already did)."""
        if url == sub.callback_url:
            return True
        if url not in self._extra_urls(sub):
            claimed = any(
                self._store.kv_set_if_absent(keys.extra_callback(sub.job_id, n), url, EXTRA_CALLBACK_TTL)
                for n in range(MAX_EXTRA_CALLBACKS)
            )
            if not claimed:
                return False
        current = self._store.get_submission(sub.job_id)
        if current is not None and current.status in ("completed", "failed"):
            event = EVENT_COMPLETED if current.status == "completed" else EVENT_FAILED
            event_id = extra_event_id(current.job_id, url)
            if self._store.get_event(event_id) is None:
                error = (current.error or failure_error()) if current.status == "failed" else None
                body = self._body(current, current.status, error)
                target: Target = ("callback", url, None, event_id)
                self._store.add_event(self._event(body, current.job_id, event, target, self._clock()))
        return True

    def _extra_urls(self, sub: Submission) -> list[str]:
        """The extra callback URLs of ``sub`` (stored under its job ID or its queued ID)."""
        urls: list[str] = []
        for job_id in dict.fromkeys(filter(None, (sub.job_id, sub.options.get("queued_id")))):
            for n in range(MAX_EXTRA_CALLBACKS):
                url = self._store.kv_get(keys.extra_callback(job_id, n))
                if url is None:
                    break  # slots are claimed in order
                if url not in urls:
                    urls.append(url)
        return urls

    def _targets(self, sub: Submission, event: str) -> list[Target]:
        targets: list[Target] = []
        if sub.callback_url:
            targets.append(("callback", sub.callback_url, None, None))
        for url in self._extra_urls(sub):
            if url != sub.callback_url:
                targets.append(("callback", url, None, extra_event_id(sub.job_id, url)))
        for hook in self._store.list_hooks(sub.api_key_id, event=event):
            targets.append(("hook", hook.target_url, hook.id, None))
        return targets

    @staticmethod
    def _event(body: CompletedEvent | FailedEvent, job_id: str, event: str, target: Target, now: float) -> OutboxEvent:
        kind, url, hook_id, fixed_id = target
        event_id = fixed_id or str(uuid.uuid4())
        return OutboxEvent(
            id=event_id,
            kind=kind,
            event=event,
            target_url=url,
            hook_id=hook_id,
            job_id=job_id,
            payload=payload(body.model_copy(update={"event_id": event_id})),
            next_attempt_at=now,
            created_at=now,
        )

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
