"""Job lifecycle: ``scheduled`` -> ``in_progress`` -> ``completed`` | ``failed``, computed from the clock.

A job's status is a pure function of time (plus an optional forced ending), so ``GET /v1/job``
answers lazily and the webhook scheduler, which walks the same ``transitions()``, can never
report a state the job API does not show. Jobs of one conversation are chained: a job starts
when its predecessor finishes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from connector.sandbox.options import SubmitOptions
from connector.sandbox.transcript import Message

JobStatus = Literal["scheduled", "in_progress", "completed", "failed"]
ACTIVE: tuple[JobStatus, ...] = ("scheduled", "in_progress")
SCHEDULED_SHARE = 0.1  # the first 10% of a job's run is still reported as "scheduled"


@dataclass(eq=False)
class Job:
    """One submit's unit of work and the messages it adds to its conversation when it completes."""

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
    successor: Job | None = None
    notified: int = 0  # how many transitions were already POSTed to webhook_url

    def finish_at(self) -> float:
        """Return when the job ends (or ended)."""
        return self.forced[1] if self.forced else self.start_at + self.duration

    def transitions(self) -> list[tuple[float, JobStatus]]:
        """Return every ``(time, status)`` change of this job, in order."""
        changes: list[tuple[float, JobStatus]] = [(self.submitted_at, "scheduled")]
        running = self.start_at + self.duration * SCHEDULED_SHARE
        if self.forced:
            status, at = self.forced
            if running < at:
                changes.append((running, "in_progress"))
            changes.append((at, status))
            return changes
        end = self.start_at + self.duration
        if running < end:
            changes.append((running, "in_progress"))
        changes.append((end, "failed" if self.fail else "completed"))
        return changes

    def status(self, now: float) -> JobStatus:
        """Return the status at ``now``."""
        current: JobStatus = "scheduled"
        for at, status in self.transitions():
            if at <= now:
                current = status
        return current

    def finish(self, status: JobStatus, now: float) -> None:
        """End the job now with ``status`` and let the next job of the conversation start."""
        self.forced = (status, now)
        previous: Job = self
        job: Job | None = self.successor
        while job is not None:
            job.start_at = max(job.submitted_at, previous.finish_at())
            previous = job
            job = job.successor


@dataclass
class JobBook:
    """All jobs by id, with the active ones per appId for the concurrency limit."""

    jobs: dict[str, Job] = field(default_factory=dict)

    def add(self, job: Job) -> None:
        """Remember ``job``."""
        self.jobs[job.id] = job

    def active(self, app_id: str | None, now: float) -> int:
        """Count jobs in ``scheduled|in_progress`` (for one appId, or all when ``None``)."""
        return sum(1 for j in self.jobs.values() if (app_id is None or j.app_id == app_id) and j.status(now) in ACTIVE)
