"""The sandbox's in-memory account state: tokens, conversations, jobs, counters (thread-safe).

One ``RLock`` guards conversations and jobs; the token issuer and counters have their own.
Conversation data is derived lazily: a conversation shows the messages of its *completed* jobs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connector.sandbox.config import SandboxConfig
from connector.sandbox.errors import CONVERSATION_NOT_FOUND, SymblError, too_many_jobs
from connector.sandbox.faults import FaultBook
from connector.sandbox.ids import new_conversation_id, new_job_id
from connector.sandbox.jobs import Job, JobBook, JobStatus
from connector.sandbox.options import SubmitOptions
from connector.sandbox.stats import Stats
from connector.sandbox.tokens import TokenIssuer
from connector.sandbox.tracker_book import TrackerBook
from connector.sandbox.transcript import Message, Speaker, submission_time

#: Builds a job's messages:
#: ``(conversation_id, time cursor, first message index, submission time) -> (messages, new cursor)``.
MessageBuilder = Callable[[str, datetime | None, int, datetime], tuple[list[Message], datetime]]


@dataclass(eq=False)
class Conversation:
    """One conversation: its jobs in submission order plus edits made through the Conversation API."""

    id: str
    app_id: str
    name: str | None
    created_at: float
    jobs: list[Job] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    cursor: datetime | None = None  # end of the last submitted message (timing of appends)
    submitted_messages: int = 0
    member_overrides: dict[str, Speaker] = field(default_factory=dict)  # member id -> new identity
    speaker_events: list[dict[str, Any]] = field(default_factory=list)
    version: int = 0  # bumped on every edit, so cached analyses are recomputed

    def completed_jobs(self, now: float) -> list[Job]:
        """Return the jobs whose results are visible at ``now``."""
        return [j for j in self.jobs if j.status(now) == "completed"]

    def messages(self, now: float) -> list[Message]:
        """Return the transcript visible at ``now``."""
        return [m for j in self.completed_jobs(now) for m in j.messages]

    def options(self) -> list[SubmitOptions]:
        """Return the options of every submit, oldest first."""
        return [j.options for j in self.jobs]


class SandboxState:
    """Everything the emulated Symbl account knows."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.wake = threading.Event()  # set when the webhook scheduler has new work
        self.analysis_cache: dict[str, tuple[tuple[Any, ...], Any]] = {}
        self._init()

    def _init(self) -> None:
        self.tokens = TokenIssuer()
        self.stats = Stats()
        self.faults = FaultBook()
        self.conversations: dict[str, Conversation] = {}
        self.jobs = JobBook()
        self.saved_trackers = TrackerBook()  # the Management API's data
        self.pending_webhooks: list[Job] = []  # jobs whose status changes still have to be POSTed
        self.experiences: dict[str, Any] = {}  # summary-page token -> experiences.Experience
        self.analysis_cache.clear()

    def reset(self) -> None:
        """Forget every token, conversation, job, saved tracker, fault rule and counter (config stays)."""
        with self.lock:
            self._init()

    # -- conversations ---------------------------------------------------------------------

    def conversation(self, app_id: str, conversation_id: str) -> Conversation:
        """Return the app's conversation or raise Symbl's 404."""
        with self.lock:
            conv = self.conversations.get(conversation_id)
            if conv is None or conv.app_id != app_id:
                raise SymblError(404, CONVERSATION_NOT_FOUND)
            return conv

    def delete(self, app_id: str, conversation_id: str) -> None:
        """Delete a conversation (its jobs stay queryable)."""
        with self.lock:
            self.conversation(app_id, conversation_id)
            del self.conversations[conversation_id]
            self.analysis_cache.pop(conversation_id, None)

    def list_conversations(self, app_id: str) -> list[Conversation]:
        """Return the app's conversations."""
        with self.lock:
            return [c for c in self.conversations.values() if c.app_id == app_id]

    # -- jobs ------------------------------------------------------------------------------

    def submit(
        self,
        app_id: str,
        conversation_id: str | None,
        options: SubmitOptions,
        build: MessageBuilder,
        fail: bool = False,
    ) -> tuple[str, str]:
        """Create a job (and a conversation when ``conversation_id`` is None); return both ids."""
        with self.lock:
            now = time.time()
            config = self.config
            if conversation_id is not None:
                conv = self.conversation(app_id, conversation_id)
            else:
                conv = None
            if self.jobs.active(app_id, now) >= config.max_concurrent_jobs:
                raise too_many_jobs(config.max_concurrent_jobs)
            if options.enable_all_trackers:  # the saved set as it is at submit time
                options.saved_trackers = self.saved_trackers.for_submit(app_id)
            if conv is None:
                conv = Conversation(id=new_conversation_id(), app_id=app_id, name=options.name, created_at=now)
                self.conversations[conv.id] = conv
            messages, conv.cursor = build(conv.id, conv.cursor, conv.submitted_messages, submission_time(now))
            conv.submitted_messages += len(messages)
            previous = conv.jobs[-1] if conv.jobs else None
            start = max(now, previous.finish_at()) if previous else now
            job = Job(
                id=new_job_id(),
                conversation_id=conv.id,
                app_id=app_id,
                submitted_at=now,
                duration=config.job_seconds,
                start_at=start,
                messages=messages,
                options=options,
                fail=fail,
                webhook_url=options.webhook_url if config.send_webhooks else None,
            )
            if previous is not None:
                previous.successor = job
            conv.jobs.append(job)
            self.jobs.add(job)
            if job.webhook_url:
                self.pending_webhooks.append(job)
            self.stats.in_flight(self.jobs.active(None, now))
        if job.webhook_url:
            self.wake.set()
        return conv.id, job.id

    def job(self, app_id: str | None, job_id: str) -> Job:
        """Return a job (of ``app_id`` unless None) or raise a 404."""
        with self.lock:
            job = self.jobs.jobs.get(job_id)
            if job is None or (app_id is not None and job.app_id != app_id):
                raise SymblError(404, f"The jobId {job_id} is either invalid or does not exist.")
            return job

    def finish(self, job_id: str, status: JobStatus) -> Job:
        """End a running job now (admin route); raise a 409 if it already ended."""
        with self.lock:
            job = self.job(None, job_id)
            current = job.status(time.time())
            if current in ("completed", "failed"):
                raise SymblError(409, f"The job is already {current}.")
            job.finish(status, time.time())
        self.wake.set()
        return job

    def in_flight(self) -> int:
        """Count active jobs across all apps."""
        with self.lock:
            return self.jobs.active(None, time.time())
