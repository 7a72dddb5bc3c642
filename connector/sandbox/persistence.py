"""Keep the account state in a JSON file across restarts (``SANDBOX_STATE_FILE``, ``connector sandbox --state``).

What is kept: conversations (edits included), every job with its messages and options, the saved
trackers of the Management API and the summary pages (experiences). What is not: tokens (a client
gets a 401 and generates a new one, as after a Symbl token expiry), fault rules, counters, the config.

When: the file is rewritten after every successful request that may change the account
(submits, appends, conversation edits and deletes, tracker changes, experiences, the admin job
endings and reset), *before* the answer leaves, so whatever a client was told survives even a
SIGKILL; ``connector sandbox`` saves once more on SIGTERM/Ctrl-C (webhook progress). A write goes to
a temporary file (mode 0600) in the same directory, is fsynced, then renamed over the file; concurrent
requests share one write (group commit).

Jobs keep their wall-clock schedule: a job running when the sandbox stopped completes at the time
it was scheduled to (relative to its original submit), or is already completed at the next start if
that time has passed. Webhook transitions not yet POSTed are sent after the start, late.

A file that cannot be read (corrupt, another format) is renamed to ``<file>.unreadable-<time>`` and
the sandbox starts empty, saying so on stderr.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from flask import Flask, Response, request
from pydantic import BaseModel, ValidationError

from connector.sandbox.experiences import Experience
from connector.sandbox.jobs import Job, JobStatus
from connector.sandbox.options import SubmitOptions
from connector.sandbox.state import Conversation, SandboxState
from connector.sandbox.transcript import Message, Speaker

FORMAT: Literal[1] = 1
#: Blueprints whose successful non-GET requests may change what is kept (control: reset, job endings).
CHANGING_BLUEPRINTS = {"sandbox_async", "sandbox_conversations", "sandbox_experiences", "sandbox_manage"}
CHANGING_CONTROL = {"sandbox_control.reset", "sandbox_control.complete_job", "sandbox_control.fail_job"}


class SavedJob(BaseModel):
    id: str
    conversation_id: str
    app_id: str
    submitted_at: float
    duration: float
    start_at: float
    messages: list[Message]
    options: SubmitOptions
    fail: bool = False
    webhook_url: str | None = None
    forced: tuple[JobStatus, float] | None = None
    successor: str | None = None  # the next job of the conversation, by id
    notified: int = 0


class SavedConversation(BaseModel):
    id: str
    app_id: str
    name: str | None
    created_at: float
    jobs: list[str]  # job ids in submission order
    metadata: dict[str, Any]
    cursor: datetime | None
    submitted_messages: int
    member_overrides: dict[str, Speaker]
    speaker_events: list[dict[str, Any]]
    version: int


class SavedState(BaseModel):
    """The file's content."""

    format: Literal[1] = FORMAT
    jobs: list[SavedJob]
    conversations: list[SavedConversation]
    trackers: dict[str, list[dict[str, Any]]]
    experiences: dict[str, Experience]


def snapshot(state: SandboxState) -> SavedState:
    """Return what ``state`` holds that is worth keeping (a consistent copy, taken under its lock)."""
    with state.lock:
        jobs = [
            SavedJob(
                id=j.id,
                conversation_id=j.conversation_id,
                app_id=j.app_id,
                submitted_at=j.submitted_at,
                duration=j.duration,
                start_at=j.start_at,
                messages=list(j.messages),
                options=j.options,
                fail=j.fail,
                webhook_url=j.webhook_url,
                forced=j.forced,
                successor=j.successor.id if j.successor else None,
                notified=j.notified,
            )
            for j in state.jobs.jobs.values()
        ]
        conversations = [
            SavedConversation(
                id=c.id,
                app_id=c.app_id,
                name=c.name,
                created_at=c.created_at,
                jobs=[j.id for j in c.jobs],
                metadata=c.metadata,
                cursor=c.cursor,
                submitted_messages=c.submitted_messages,
                member_overrides=dict(c.member_overrides),
                speaker_events=list(c.speaker_events),
                version=c.version,
            )
            for c in state.conversations.values()
        ]
        experiences = dict(state.experiences)
    return SavedState(
        jobs=jobs, conversations=conversations, trackers=state.saved_trackers.export(), experiences=experiences
    )


def restore(state: SandboxState, saved: SavedState) -> None:
    """Replace ``state``'s conversations, jobs, saved trackers and experiences with ``saved``."""
    with state.lock:
        state.reset()
        for s in saved.jobs:
            state.jobs.add(
                Job(
                    id=s.id,
                    conversation_id=s.conversation_id,
                    app_id=s.app_id,
                    submitted_at=s.submitted_at,
                    duration=s.duration,
                    start_at=s.start_at,
                    messages=list(s.messages),
                    options=s.options,
                    fail=s.fail,
                    webhook_url=s.webhook_url,
                    forced=s.forced,
                    notified=s.notified,
                )
            )
        jobs = state.jobs.jobs
        for s in saved.jobs:
            jobs[s.id].successor = jobs.get(s.successor) if s.successor else None
        for c in saved.conversations:
            state.conversations[c.id] = Conversation(
                id=c.id,
                app_id=c.app_id,
                name=c.name,
                created_at=c.created_at,
                jobs=[jobs[j] for j in c.jobs if j in jobs],
                metadata=c.metadata,
                cursor=c.cursor,
                submitted_messages=c.submitted_messages,
                member_overrides=c.member_overrides,
                speaker_events=c.speaker_events,
                version=c.version,
            )
        state.saved_trackers.restore(saved.trackers)
        state.experiences.update(saved.experiences)
        state.pending_webhooks[:] = [j for j in jobs.values() if j.webhook_url and j.notified < len(j.transitions())]
    state.wake.set()


class StateFile:
    """The file one sandbox keeps its state in."""

    def __init__(self, state: SandboxState, path: str | os.PathLike[str]) -> None:
        self.state = state
        self.path = Path(path)
        self._cond = threading.Condition()  # one write at a time, each with a snapshot taken inside it
        self._requested = self._saved = 0  # save() calls so far / covered by a finished write
        self._writing = False
        self._written: bytes | None = None

    def load(self) -> bool:
        """Restore the state from the file; False when there is none yet (or it was unreadable)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return False
        try:
            saved = SavedState.model_validate_json(raw)
        except ValidationError as error:
            kept = self.path.with_name(f"{self.path.name}.unreadable-{int(time.time())}")
            os.replace(self.path, kept)
            print(
                f"warning: the sandbox state {self.path} is unreadable ({error.error_count()} problem(s), e.g. "
                f"{error.errors()[0]['msg']}); moved it to {kept} and started empty",
                file=sys.stderr,
            )
            return False
        restore(self.state, saved)
        self._written = raw
        return True

    def save(self) -> None:
        """Write the state as it is now; return once a write that began after this call succeeded.

        Concurrent callers share writes (group commit): while one write runs, the others wait and the
        next write covers them all.
        """
        with self._cond:
            self._requested += 1
            ticket = self._requested
            while self._saved < ticket:
                if self._writing:
                    self._cond.wait()
                    continue
                self._writing, covers, written = True, self._requested, False
                self._cond.release()
                try:
                    self._write()
                    written = True
                finally:
                    self._cond.acquire()
                    self._writing = False
                    if written:
                        self._saved = max(self._saved, covers)
                    self._cond.notify_all()

    def _write(self) -> None:
        """Write a fresh snapshot atomically (owner-readable only); skip when nothing changed."""
        raw = snapshot(self.state).model_dump_json().encode()
        if raw == self._written:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:  # mkstemp creates it 0600
                handle.write(raw)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._written = raw

    def init_app(self, app: Flask) -> None:
        """Save after every successful request that may have changed the account, before it is answered."""

        @app.after_request
        def _save(response: Response) -> Response:
            if (
                request.method not in ("GET", "HEAD", "OPTIONS")
                and response.status_code < 400
                and (request.blueprint in CHANGING_BLUEPRINTS or request.endpoint in CHANGING_CONTROL)
            ):
                self.save()  # an OSError answers 500: the change is not acknowledged as kept
            return response
