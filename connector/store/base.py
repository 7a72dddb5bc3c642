"""The store: the facade's durable, shared state behind one interface.

Two backends implement `Store`: SQLite (`sqlite.py`, the embedded default, one file shared by the
workers of one machine) and Redis (`redis.py`, shared by several processes or machines). Both
pass the same contract tests (tests/store/test_contract.py).

What it holds, one facet (protocol) each: submissions (never lost: written before the caller is
answered) and the queue of those not yet sent, batches, small expiring values (token cache,
idempotency keys, leases; key names in `keys.py`, leases through `lease.py`), hook subscriptions,
the callback outbox, and a notification channel that wakes waiters in every worker and instance.

What it must not do: call Symbl or any URL, or know about HTTP. Secrets: the token cache, callers'
own Symbl credentials, the webhook path secret and hook secrets reach a backend only encrypted
(`sealed.SealedStore`); the server's own Symbl app secret is never stored.

Times are UNIX seconds (float, ``time.time()``). Every method may raise `StoreUnavailable`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from connector.status import JobStatus

OutboxStatus = Literal["pending", "delivered", "dead"]


class StoreUnavailable(Exception):
    """The store cannot be reached (e.g. Redis is down); the API answers 503 store_unavailable."""


class Submission(BaseModel):
    """One job submitted to Symbl through the facade (a submit or an append)."""

    job_id: str
    conversation_id: str
    api_key_id: str = Field(description="Fingerprint of the facade API key that submitted it.")
    credential_id: str = Field(description="Fingerprint of the Symbl credential used (never the secret).")
    status: JobStatus = "scheduled"
    kind: Literal["submit", "append"] = "submit"
    name: str = ""
    options: dict[str, Any] = Field(default_factory=dict, description="Normalised options (language, include ...).")
    callback_url: str | None = None
    error: dict[str, Any] | None = None
    created_at: float
    updated_at: float


class BatchRecord(BaseModel):
    """A batch of conversations submitted at once (its items are `BatchItem`s)."""

    id: str
    api_key_id: str
    created_at: float
    callback_url: str | None = None
    cancelled_at: float | None = None


class BatchItem(BaseModel):
    """One item of a batch: the submission it became (or an earlier one it reuses)."""

    index: int
    name: str = ""
    key: str = Field("", description="The caller's ID for the item (e.g. a recording ID), or empty.")
    job_id: str = Field(description="The facade job ID: a queued ID, or the earlier submission's when reused.")
    reused: bool = False


class Hook(BaseModel):
    """A REST-hook subscription of one API key."""

    id: str
    api_key_id: str
    target_url: str
    event: str
    secret: str
    created_at: float


class OutboxEvent(BaseModel):
    """One delivery to make (a callback or a hook hit), retried until delivered or dead."""

    id: str = Field(description="The event ID, sent as X-Connector-Event-Id; the same on every retry.")
    kind: Literal["callback", "hook"]
    event: str = Field(description="conversation.completed or conversation.failed")
    target_url: str
    hook_id: str | None = Field(None, description="For hook deliveries: whose secret signs the body.")
    job_id: str
    payload: str = Field(description="The exact JSON body to POST.")
    status: OutboxStatus = "pending"
    attempts: int = 0
    next_attempt_at: float
    created_at: float
    last_error: str = ""


class Health(Protocol):
    """Is the store there."""

    def ping(self) -> None:
        """Raise `StoreUnavailable` unless the store answers."""

    def close(self) -> None:
        """Release connections and stop listener threads."""


class KeyValues(Protocol):
    """Small expiring values: token cache, idempotency keys, leases (`lease.py`), caches.
    Every key name is in `keys.py`."""

    def kv_get(self, key: str) -> str | None:
        """Return the value, or None when absent or expired."""

    def kv_set(self, key: str, value: str, ttl: float) -> None:
        """Set a value that expires after ``ttl`` seconds."""

    def kv_set_if_absent(self, key: str, value: str, ttl: float) -> bool:
        """Atomically set the value only if the key is absent or expired; True if it was set."""

    def kv_delete(self, key: str, expected: str | None = None) -> bool:
        """Delete the key (only if its value is ``expected``, when given); True if deleted."""


class Submissions(Protocol):
    """Jobs submitted through the facade: never lost, written before the caller is answered."""

    def put_submission(self, sub: Submission) -> None:
        """Insert or replace a submission, durably, before returning."""

    def get_submission(self, job_id: str) -> Submission | None:
        """Return the submission of a job (following a queued ID's alias to the dispatched job)."""

    def latest_submission(self, conversation_id: str) -> Submission | None:
        """Return the newest submission (by created_at) of a conversation."""

    def list_submissions(
        self,
        api_key_id: str,
        *,
        name: str | None = None,
        since: float | None = None,
        status: str | None = None,
        limit: int = 50,
    ) -> list[Submission]:
        """Return one key's submissions, newest first; ``name`` matches a substring, case-insensitively."""

    def pending_submissions(self, limit: int = 500) -> list[Submission]:
        """Return submissions whose status is not terminal (completed/failed), oldest first."""

    def set_status(self, job_id: str, status: JobStatus) -> bool:
        """Record a non-terminal status change; a no-op (False) if the job is already terminal."""

    def finish_submission(
        self, job_id: str, status: JobStatus, error: dict[str, Any] | None, events: list[OutboxEvent]
    ) -> bool:
        """Atomically move a job to a terminal status and enqueue its deliveries.

        Only the first call for a job succeeds (returns True and enqueues ``events``); later calls,
        from any worker or instance, return False and enqueue nothing.
        """


class Queue(Protocol):
    """Work not yet sent to Symbl (submissions with status ``queued``) and its dispatch."""

    def put_submissions(self, subs: list[Submission]) -> None:
        """Insert or replace many submissions in one durable step (a batch's queued items)."""

    def queued_submissions(self, limit: int = 1000) -> list[Submission]:
        """Return submissions whose status is ``queued``, oldest first (by created_at, then job_id)."""

    def count_in_flight(self, credential_id: str) -> int:
        """The number of submissions of a Symbl credential that are at Symbl and not finished
        (status ``scheduled`` or ``in_progress``)."""

    def dispatch_submission(self, queued_id: str, sub: Submission) -> bool:
        """Atomically replace the queued submission ``queued_id`` by ``sub`` (the job Symbl accepted)
        and make ``queued_id`` an alias of ``sub.job_id``: from then on ``get_submission(queued_id)``
        returns ``sub``'s record. False (and nothing written) unless ``queued_id`` is still ``queued``."""


class Batches(Protocol):
    """Batches and their items (the items' progress is read from their submissions)."""

    def put_batch(self, batch: BatchRecord, items: list[BatchItem]) -> None:
        """Save a new batch with its items, durably, in one step."""

    def get_batch(self, batch_id: str) -> BatchRecord | None:
        """Return a batch by ID."""

    def batch_items(self, batch_id: str) -> list[BatchItem]:
        """Return a batch's items in index order."""

    def cancel_batch(self, batch_id: str, at: float) -> None:
        """Record that the batch was cancelled at ``at`` (the first time only)."""


class Hooks(Protocol):
    """REST-hook subscriptions of API keys."""

    def add_hook(self, hook: Hook) -> None:
        """Save a subscription."""

    def get_hook(self, hook_id: str) -> Hook | None:
        """Return a subscription by ID."""

    def list_hooks(self, api_key_id: str, event: str | None = None) -> list[Hook]:
        """Return one key's subscriptions, oldest first, optionally for one event."""

    def delete_hook(self, api_key_id: str, hook_id: str) -> bool:
        """Delete one of the key's subscriptions; False if it does not exist or is another key's."""


class Outbox(Protocol):
    """Callback and hook deliveries, retried until delivered or dead."""

    def due_events(self, now: float, limit: int = 50) -> list[OutboxEvent]:
        """Return pending events whose next attempt is due, oldest first."""

    def get_event(self, event_id: str) -> OutboxEvent | None:
        """Return an event by ID."""

    def add_event(self, event: OutboxEvent) -> bool:
        """Enqueue one delivery unless an event with its ID exists (atomically); True if added."""

    def update_event(
        self, event_id: str, *, status: OutboxStatus, attempts: int, next_attempt_at: float, last_error: str = ""
    ) -> None:
        """Record a delivery attempt's outcome."""

    def outbox_counts(self) -> dict[str, int]:
        """Return the number of events per status (pending, delivered, dead)."""


class Notifications(Protocol):
    """Job status changes across workers and instances."""

    def publish(self, job_id: str, status: str) -> None:
        """Tell every listener (in any process) that a job's status changed."""

    def listen(self, handler: Callable[[str, str], None]) -> Callable[[], None]:
        """Call ``handler(job_id, status)`` for every publish (from any process) from now on,
        within a fraction of a second, on a background thread; return a function that stops it."""


class Store(Health, KeyValues, Submissions, Queue, Batches, Hooks, Outbox, Notifications, Protocol):
    """The facade's shared state: every facet above. Implementations must be safe to use from many
    threads; a component that needs one facet takes that facet's type."""
