"""Request and job counters exposed at ``GET /_sandbox/stats`` (benchmarks and facade tests read them)."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class Stats:
    """Thread-safe counters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.status_calls: Counter[str] = Counter()
        self.max_jobs_in_flight = 0
        self.webhooks_sent = 0
        self.webhooks_failed = 0
        self.faults_applied = 0

    def request(self, route: str, job_id: str | None = None) -> None:
        """Count one request to ``route`` ("METHOD /template"), and a status call for ``job_id``."""
        with self._lock:
            self.requests[route] += 1
            if job_id is not None:
                self.status_calls[job_id] += 1

    def in_flight(self, count: int) -> None:
        """Record the number of active jobs right after a submit."""
        with self._lock:
            self.max_jobs_in_flight = max(self.max_jobs_in_flight, count)

    def webhook(self, delivered: bool) -> None:
        """Count one webhook POST attempt."""
        with self._lock:
            if delivered:
                self.webhooks_sent += 1
            else:
                self.webhooks_failed += 1

    def fault(self) -> None:
        """Count one injected fault."""
        with self._lock:
            self.faults_applied += 1

    def snapshot(self) -> dict[str, Any]:
        """Return all counters as JSON."""
        with self._lock:
            return {
                "requests": dict(self.requests),
                "status_calls": dict(self.status_calls),
                "max_jobs_in_flight": self.max_jobs_in_flight,
                "webhooks_sent": self.webhooks_sent,
                "webhooks_failed": self.webhooks_failed,
                "faults_applied": self.faults_applied,
            }
