"""Follow every unfinished job to its end, and let callers wait on it.

- One poll stream per job for the whole deployment: a process polls a job only while it holds
  the job's lease in the store; other processes learn the status from the store's notifications.
  However many callers wait on a job, it costs one stream of status calls.
- Symbl's webhook (any worker or instance) triggers an immediate check, and every status change
  is published so waiters everywhere wake within a fraction of a second.
- A sweep picks up unfinished submissions from the store, so jobs are finished (and callbacks
  sent) with nobody waiting, and after a restart.
- Terminal statuses are handed to the finisher (`finish.py`), which runs exactly once per job.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field

from connector.jobs.schedule import next_interval
from connector.metrics import WAITS
from connector.status import TERMINAL_STATUSES
from connector.store import keys
from connector.store.base import Store, StoreUnavailable, Submission
from connector.store.lease import Lease
from connector.symbl.client import SymblClient
from connector.symbl.credentials import CredentialBook
from connector.symbl.errors import SymblError, SymblNotFound

log = logging.getLogger(__name__)

SWEEP_SECONDS = 2.0
SWEEP_LIMIT = 20000
"""Pending submissions read per sweep (queued ones are among them but are the dispatcher's)."""
TICK_SECONDS = 0.05
LEASE_MIN_TTL = 10.0
WEBHOOK_SEEN_TTL = 600.0
KNOWN_STATUSES = frozenset({"scheduled", "in_progress", "completed", "failed"})
STATUS_CALL_SECONDS = 30.0
"""The deadline of one job status call."""
STOP_JOIN_SECONDS = 2.0
OBSERVED_TTL = 3600.0
"""How long a terminal status seen on Symbl is remembered while its job is being finished."""


@dataclass
class Tracked:
    """The local view of one job: its status and the condition its waiters sleep on."""

    sub: Submission
    status: str
    cond: threading.Condition = field(default_factory=threading.Condition)
    next_poll: float = 0.0
    polling: bool = False
    finished: bool = False

    @property
    def done(self) -> bool:
        return self.status in TERMINAL_STATUSES


class JobWatcher:
    """Owns the poll streams of this process and the waits on them."""

    def __init__(
        self,
        client: SymblClient,
        store: Store,
        executor: Executor,
        *,
        credentials: CredentialBook,
        finisher: Callable[[Submission, str], object],
        clock: Callable[[], float] = time.time,
        poll_min: float = 1.0,
        poll_max: float = 60.0,
    ) -> None:
        self._poll_min = poll_min
        self._poll_max = poll_max
        self._client = client
        self._store = store
        self._executor = executor
        self._credentials = credentials
        self._finisher = finisher
        self._clock = clock
        self._owner = uuid.uuid4().hex
        self._jobs: dict[str, Tracked] = {}
        self._due: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._stop_listening: Callable[[], None] | None = None
        self._webhooks_active = False
        self._draining = False
        self.status_calls = 0

    # -- lifecycle ----------------------------------------------------------------------
    def start(self, sweep: bool = True) -> None:
        """Start the scheduler (and the sweep for unfinished jobs) and listen to the store."""
        self._stop_listening = self._store.listen(self.on_notify)
        self._spawn(self._run_schedule, "watcher-schedule")
        if sweep:
            self._spawn(self._run_sweep, "watcher-sweep")

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._stop_listening:
            self._stop_listening()
        for thread in self._threads:
            thread.join(timeout=STOP_JOIN_SECONDS)

    def drain(self) -> None:
        """The server is shutting down: end every wait now (callers get a 202 with the IDs).

        Jobs are not abandoned: they stay in the store, and another instance or the restarted
        process finishes them and sends their callbacks."""
        self._draining = True
        for tracked in list(self._jobs.values()):
            with tracked.cond:
                tracked.cond.notify_all()

    def draining(self) -> bool:
        return self._draining

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    # -- waiting ------------------------------------------------------------------------
    def track(self, sub: Submission) -> Tracked:
        """Follow a job in this process (idempotent); returns its local view."""
        with self._lock:
            tracked = self._jobs.get(sub.job_id)
            if tracked is None:
                tracked = Tracked(sub=sub, status=sub.status)
                self._jobs[sub.job_id] = tracked
                if not tracked.done and sub.status != "queued":  # a queued ID is not a Symbl job: never polled
                    self._schedule(tracked, self._clock() + self._interval(sub))
        return tracked

    def wait(self, sub: Submission, timeout: float) -> str:
        """Wait up to ``timeout`` seconds for a terminal status; return the status then."""
        if sub.status in TERMINAL_STATUSES:
            return sub.status
        observed = self.observed(sub.job_id)
        if observed is not None:
            return observed
        tracked = self.track(sub)
        with WAITS.track_inprogress(), tracked.cond:
            tracked.cond.wait_for(lambda: tracked.done or self._draining, timeout=max(timeout, 0.0))
            return tracked.status

    def observed(self, job_id: str) -> str | None:
        """The terminal status any process saw on Symbl for a job it is still finishing.

        The store's own status turns terminal only once the finisher has built the callbacks,
        which takes a moment; a caller told "completed" by one worker must not be told
        "in progress" by the next."""
        try:
            status = self._store.kv_get(keys.observed(job_id))
        except StoreUnavailable:
            return None
        return status if status in TERMINAL_STATUSES else None

    def on_notify(self, job_id: str, status: str) -> None:
        """A status published by any process (store notification)."""
        tracked = self._jobs.get(job_id)
        if tracked is not None and status in KNOWN_STATUSES:
            self._set_status(tracked, status, publish=False)

    def on_webhook(self, job_id: str, status: str) -> bool:
        """Symbl's webhook for a job: check it now. False if the job is unknown."""
        try:
            self._store.kv_set(keys.WEBHOOK_SEEN, "1", WEBHOOK_SEEN_TTL)
            sub = self._store.get_submission(job_id)
        except StoreUnavailable:
            raise
        if sub is None:
            return False
        self._webhooks_active = True
        tracked = self.track(sub)
        if status in KNOWN_STATUSES and not tracked.done:
            # Take the poll over (a dead or busy lease holder must not delay the answer), verify now.
            Lease(self._store, keys.poll(job_id), LEASE_MIN_TTL, self._owner).take_over()
            with self._lock:
                self._schedule(tracked, self._clock())
        return True

    # -- scheduling -----------------------------------------------------------------------
    def _interval(self, sub: Submission) -> float:
        return next_interval(
            self._clock() - sub.created_at,
            self._webhooks_active,
            minimum=self._poll_min,
            maximum=max(self._poll_max, self._poll_min),
        )

    def _schedule(self, tracked: Tracked, when: float) -> None:
        tracked.next_poll = when
        heapq.heappush(self._due, (when, tracked.sub.job_id))
        self._wake.set()

    def _run_schedule(self) -> None:
        while not self._stop.is_set():
            now = self._clock()
            ready: list[Tracked] = []
            with self._lock:
                while self._due and self._due[0][0] <= now:
                    when, job_id = heapq.heappop(self._due)
                    tracked = self._jobs.get(job_id)
                    if tracked is None or tracked.done or tracked.polling or when != tracked.next_poll:
                        continue
                    tracked.polling = True
                    ready.append(tracked)
                pause = (self._due[0][0] - now) if self._due else 1.0
            for tracked in ready:
                self._executor.submit(self._poll, tracked)
            self._wake.wait(timeout=min(max(pause, TICK_SECONDS), 1.0))
            self._wake.clear()

    def _poll(self, tracked: Tracked) -> None:
        sub = tracked.sub
        try:
            if self._holds_lease(sub):
                credential = self._credentials.get(sub.credential_id)
                if credential is not None:
                    self.status_calls += 1
                    status = self._client.job_status(credential, sub.job_id, time.monotonic() + STATUS_CALL_SECONDS)
                    if status in KNOWN_STATUSES:
                        self._set_status(tracked, status, publish=True)
        except SymblNotFound:
            self._set_status(tracked, "failed", publish=True)
        except (SymblError, StoreUnavailable) as exc:
            log.warning("job status check failed", extra={"job_id": sub.job_id, "error": type(exc).__name__})
        except Exception:  # a poll stream must survive anything; the next poll tries again
            log.exception("job status check crashed", extra={"job_id": sub.job_id})
        finally:
            with self._lock:
                tracked.polling = False
                if not tracked.done:
                    self._schedule(tracked, self._clock() + self._interval(sub))

    def _holds_lease(self, sub: Submission) -> bool:
        ttl = max(LEASE_MIN_TTL, 3 * self._interval(sub))
        return Lease(self._store, keys.poll(sub.job_id), ttl, self._owner).acquire_or_renew()

    def _set_status(self, tracked: Tracked, status: str, *, publish: bool) -> None:
        if publish and status in TERMINAL_STATUSES and not tracked.done:
            try:  # before any waiter is woken: see observed()
                self._store.kv_set(keys.observed(tracked.sub.job_id), status, OBSERVED_TTL)
            except StoreUnavailable:
                log.warning("could not record a terminal status", extra={"job_id": tracked.sub.job_id})
        with tracked.cond:
            changed = status != tracked.status and not tracked.done
            if changed:
                tracked.status = status
                tracked.cond.notify_all()
        if not changed:
            return
        sub = tracked.sub
        if publish:
            try:
                if status not in TERMINAL_STATUSES:
                    self._store.set_status(sub.job_id, status)  # type: ignore[arg-type]
                self._store.publish(sub.job_id, status)
            except StoreUnavailable:
                log.warning("could not publish a job status", extra={"job_id": sub.job_id})
        if status in TERMINAL_STATUSES and publish:
            self._executor.submit(self._finish, tracked, status)

    def _finish(self, tracked: Tracked, status: str) -> None:
        try:
            self._finisher(tracked.sub, status)
            tracked.finished = True
        except Exception as exc:  # retried by the sweep: the store still shows it unfinished
            log.warning("finishing a job failed; will retry", extra={"job_id": tracked.sub.job_id, "error": str(exc)})
        finally:
            with self._lock:
                self._jobs.pop(tracked.sub.job_id, None)

    # -- the sweep ----------------------------------------------------------------------------
    def _run_sweep(self) -> None:
        while not self._stop.wait(SWEEP_SECONDS):
            try:
                self._webhooks_active = self._store.kv_get(keys.WEBHOOK_SEEN) is not None
                for sub in self._store.pending_submissions(limit=SWEEP_LIMIT):
                    if sub.status == "queued":
                        continue
                    self.track(sub)
            except StoreUnavailable:
                log.warning("store unavailable during the sweep")
            except Exception:
                log.exception("sweep crashed; continuing")
