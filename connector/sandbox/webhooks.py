"""Webhook delivery: POST ``{"jobId", "status"}`` to a submit's ``webhookUrl`` on every status change.

A scheduler thread sleeps until the next transition of any job with a webhook (or until woken by
a submit or a forced ending), then queues the due notifications; a delivery thread POSTs them in
order. Requests never wait for either thread; delivery failures are counted and otherwise ignored
(Symbl documents no retries).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

import requests

from connector.sandbox.state import SandboxState

log = logging.getLogger(__name__)
DELIVERY_TIMEOUT = 5.0


class WebhookSender:
    """The scheduler and delivery threads of one sandbox (daemon threads, started once)."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.outbox: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
        self._started = False

    def start(self) -> None:
        """Start both threads (idempotent)."""
        if self._started:
            return
        self._started = True
        threading.Thread(target=self._schedule, name="sandbox-webhook-scheduler", daemon=True).start()
        threading.Thread(target=self._deliver, name="sandbox-webhook-delivery", daemon=True).start()

    def due(self, now: float) -> float | None:
        """Queue every notification due at ``now``; return when the next one falls due."""
        state, next_at = self.state, None
        with state.lock:
            still_pending = []
            for job in state.pending_webhooks:
                changes = job.transitions()
                while job.notified < len(changes) and changes[job.notified][0] <= now:
                    if state.config.send_webhooks and job.webhook_url:
                        self.outbox.put((job.webhook_url, {"jobId": job.id, "status": changes[job.notified][1]}))
                    job.notified += 1
                if job.notified < len(changes):
                    still_pending.append(job)
                    at = changes[job.notified][0]
                    next_at = at if next_at is None else min(next_at, at)
            state.pending_webhooks[:] = still_pending
        return next_at

    def _schedule(self) -> None:
        while True:
            try:
                next_at = self.due(time.time())
            except Exception:  # never let the scheduler die
                log.exception("webhook scheduler failed")
                next_at = time.time() + 1
            timeout = None if next_at is None else max(0.0, next_at - time.time())
            self.state.wake.wait(timeout)
            self.state.wake.clear()

    def _deliver(self) -> None:
        session = requests.Session()
        while True:
            url, body = self.outbox.get()
            try:
                session.post(url, json=body, timeout=DELIVERY_TIMEOUT)
                self.state.stats.webhook(True)
            except requests.RequestException as error:
                log.info("webhook to %s failed: %s", url, error)
                self.state.stats.webhook(False)
