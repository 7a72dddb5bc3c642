"""Waiting for a submission, composed once: while it is queued, wait for the dispatcher to send
it; then wait on the job watcher for a terminal status; a failure is re-read from the store for
its recorded error. The result is a value (`Outcome`) the views only map to 200, 202 or 422.
When the server drains (graceful shutdown), every wait ends at once with where the job stands.

The clock and sleep are injected so tests can drive the queued phase without real time."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from connector.jobs.finish import failure_error
from connector.jobs.watcher import JobWatcher
from connector.status import JobStatus
from connector.store.base import Store, Submission

QUEUE_STEP_SECONDS = 0.2
"""How often a waiter re-reads a queued submission."""


@dataclass(frozen=True)
class Outcome:
    """Where a submission stands when the wait ends.

    ``status`` is ``completed`` or ``failed`` (terminal; ``error`` is set for a failure), or
    ``queued``, ``scheduled`` or ``in_progress`` when the deadline came first."""

    sub: Submission
    status: JobStatus
    error: dict[str, Any] | None = None

    @property
    def completed(self) -> bool:
        return self.status == "completed"

    @property
    def failed(self) -> bool:
        return self.status == "failed"


class Waiter:
    """Wait for a submission until a monotonic deadline (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        watcher: JobWatcher,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._store = store
        self._watcher = watcher
        self._clock = clock
        self._sleep = sleep

    def wait(self, sub: Submission, deadline: float) -> Outcome:
        """Wait for ``sub`` until ``deadline`` (on this waiter's clock); return its outcome."""
        sub = self.dispatched(sub, deadline)
        if sub.status == "queued":
            return Outcome(sub, "queued")
        status = cast(JobStatus, self._watcher.wait(sub, deadline - self._clock()))  # one of KNOWN_STATUSES
        if status != "failed":
            return Outcome(sub, status)
        recorded = self._store.get_submission(sub.job_id) or sub
        return Outcome(recorded, "failed", recorded.error or failure_error())

    def dispatched(self, sub: Submission, deadline: float) -> Submission:
        """Wait while ``sub`` is queued (and the server is not draining); return its current record,
        which is the dispatched job's once Symbl has it (the queued ID is an alias of it)."""
        while sub.status == "queued" and not self._watcher.draining():
            remaining = deadline - self._clock()
            if remaining <= 0:
                break
            self._sleep(min(QUEUE_STEP_SECONDS, remaining))
            sub = self._store.get_submission(sub.job_id) or sub
        return sub
