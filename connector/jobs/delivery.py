"""The outbox sender: POST each due callback or hook event, signed, until it is delivered.

At least once: an event stays pending until a 2xx answer, retried with exponential backoff for
``retry_hours`` (at least 24 h), then marked dead. Events live in the store, so they survive
restarts; a lease per event keeps two workers from sending the same attempt. The SSRF guard runs
again right before each attempt (a name may resolve elsewhere now than at submit time), and the
attempt connects to the address it checked (no second DNS lookup; TLS still verifies the name)."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence

import requests

from connector.jobs.pinning import pinned_session
from connector.jobs.signing import (
    EVENT_HEADER,
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    sign,
    standard_headers,
)
from connector.jobs.urlguard import UrlNotAllowed, checked_target
from connector.metrics import DELIVERY_FAILURES
from connector.store import keys
from connector.store.base import OutboxEvent, Store, StoreUnavailable
from connector.store.lease import Lease

log = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 10.0
MAX_RETRY_SECONDS = 3600.0
TIMEOUT = (5.0, 15.0)
POLL_SECONDS = 0.5
STOP_JOIN_SECONDS = 2.0


def retry_delay(attempts: int, first: float = FIRST_RETRY_SECONDS) -> float:
    """Seconds before the next attempt after ``attempts`` failed ones."""
    return min(MAX_RETRY_SECONDS, first * (2 ** max(attempts - 1, 0)))


class OutboxSender:
    """A background loop that delivers due events."""

    def __init__(
        self,
        store: Store,
        *,
        callback_secret: str,
        allowlist: Sequence[str],
        retry_hours: float,
        first_retry_seconds: float = FIRST_RETRY_SECONDS,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.time,
        user_agent: str = "symbl-connector",
    ) -> None:
        self._store = store
        self._callback_secret = callback_secret
        self._allowlist = list(allowlist)
        self._retry_seconds = retry_hours * 3600
        self._first_retry = first_retry_seconds
        self._session = session  # tests may inject one; otherwise each attempt pins the checked address
        self._clock = clock
        self._owner = uuid.uuid4().hex
        self._user_agent = user_agent
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.delivered = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=STOP_JOIN_SECONDS)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.deliver_due()
            except StoreUnavailable:
                log.warning("store unavailable; outbox delivery paused")
            except Exception:
                log.exception("outbox loop crashed; continuing")
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()

    def deliver_due(self) -> int:
        """Attempt every due event once; return how many were delivered."""
        delivered = 0
        for event in self._store.due_events(self._clock()):
            lease = Lease(self._store, keys.outbox(event.id), TIMEOUT[0] + TIMEOUT[1] + 5, self._owner)
            if not lease.acquire():
                continue
            try:
                if self._attempt(event):
                    delivered += 1
            finally:
                lease.release()
        return delivered

    def _secret_for(self, event: OutboxEvent) -> str:
        if event.kind == "hook" and event.hook_id:
            hook = self._store.get_hook(event.hook_id)
            return hook.secret if hook else ""
        return self._callback_secret

    def _attempt(self, event: OutboxEvent) -> bool:
        fresh = self._store.get_event(event.id)
        if fresh is None or fresh.status != "pending":
            return False
        body = event.payload.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": self._user_agent,
            EVENT_HEADER: event.event,
            EVENT_ID_HEADER: event.id,
        }
        secret = self._secret_for(event)
        if secret:
            headers[SIGNATURE_HEADER] = sign(body, secret)
            headers.update(standard_headers(event.id, body, secret, self._clock()))
        error = ""
        try:
            url, address = checked_target(event.target_url, self._allowlist)
            session = self._session or (pinned_session(address) if address else requests.Session())
            try:
                response = session.post(url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False)
            finally:
                if session is not self._session:
                    session.close()
            if 200 <= response.status_code < 300:
                self._store.update_event(
                    event.id, status="delivered", attempts=fresh.attempts + 1, next_attempt_at=self._clock()
                )
                self.delivered += 1
                log.info("delivered", extra={"event_id": event.id, "kind": event.kind, "job_id": event.job_id})
                return True
            error = f"HTTP {response.status_code}"
        except UrlNotAllowed as exc:
            error = f"refused: {exc}"
        except requests.RequestException as exc:
            error = type(exc).__name__
        DELIVERY_FAILURES.inc()
        attempts = fresh.attempts + 1
        now = self._clock()
        give_up = now - event.created_at >= self._retry_seconds
        self._store.update_event(
            event.id,
            status="dead" if give_up else "pending",
            attempts=attempts,
            next_attempt_at=now + retry_delay(attempts, self._first_retry),
            last_error=error,
        )
        log.warning("delivery failed", extra={"event_id": event.id, "attempts": attempts, "error": error})
        return False
