"""The dispatcher: sends queued submissions to Symbl as concurrency slots free.

One loop per process (started with the tracker). Each round it reads the queue (oldest first),
groups it by Symbl credential, reserves the free slots of each credential under the store lock
(`slots.py`), and fills them fairly: round-robin across lanes, oldest first within a lane. A lane
is one batch, or the single submissions of one API key, so a big backfill cannot starve a Zap.

Each queued item is claimed in the store before it is sent (``dispatch:<queued_id>``), so two
processes never send the same item. Symbl's 429 (concurrency) or an unreachable Symbl puts the
item back (it stays ``queued``; the credential pauses briefly); any other Symbl refusal fails the
item (its callback says so). A dispatched item's queued ID becomes an alias of Symbl's job ID.

Rounds run when work is queued, when a job ends anywhere (store notifications), and every
ROUND_SECONDS anyway."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

from connector.jobs.options import ConversationInput
from connector.jobs.submit import Submitter
from connector.metrics import REQUEUED
from connector.queue.slots import Slots
from connector.store import keys
from connector.store.base import Store, StoreUnavailable, Submission
from connector.store.lease import Lease
from connector.symbl.credentials import Credential, CredentialBook
from connector.symbl.errors import SymblError, SymblRateLimited, SymblUnavailable

log = logging.getLogger(__name__)

ROUND_SECONDS = 0.5
QUEUE_SCAN = 5000
STOP_JOIN_SECONDS = 5.0
CLAIM_TTL = 60.0
BACKOFF_SECONDS = 1.0
SEND_DEADLINE = 10.0


def lane_of(sub: Submission) -> str:
    """The fairness lane: a batch, or the single submissions of one API key."""
    batch = sub.options.get("batch_id")
    return f"batch:{batch}" if batch else f"key:{sub.api_key_id}"


class Dispatcher:
    """Fills free concurrency slots from the queue (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        slots: Slots,
        submitter: Submitter,
        *,
        credentials: CredentialBook,
        track: Callable[[Submission], object],
        fail: Callable[[Submission, dict[str, str]], object],
        wake: threading.Event | None = None,
        workers: int = 8,
    ) -> None:
        self._store = store
        self.slots = slots
        self._submitter = submitter
        self._credentials = credentials
        self._track = track
        self._fail = fail
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dispatch")
        self._owner = uuid.uuid4().hex
        self._wake = wake or threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._stop_listening: Callable[[], None] | None = None
        self._rotation: OrderedDict[str, None] = OrderedDict()  # lanes, least recently served first
        self._paused: dict[str, float] = {}
        self.send_deadline = SEND_DEADLINE

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        self._stop_listening = self._store.listen(self._on_notify)
        self._thread = threading.Thread(target=self._run, name="queue-dispatch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._stop_listening:
            self._stop_listening()
        if self._thread is not None:
            self._thread.join(timeout=STOP_JOIN_SECONDS)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def wake(self) -> None:
        self._wake.set()

    def _on_notify(self, job_id: str, status: str) -> None:
        if status in ("completed", "failed", "queued", "slot-freed"):
            self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(ROUND_SECONDS)
            self._wake.clear()
            try:
                self.dispatch_once()
            except StoreUnavailable:
                log.warning("store unavailable while dispatching the queue")
            except Exception:
                log.exception("dispatch round crashed; continuing")

    # -- one round -------------------------------------------------------------------------------
    def dispatch_once(self) -> int:
        """Fill the free slots of every credential with queued work; return how many were sent."""
        queued = self._store.queued_submissions(limit=QUEUE_SCAN)
        by_credential: dict[str, list[Submission]] = {}
        for sub in queued:
            by_credential.setdefault(sub.credential_id, []).append(sub)
        sent = 0
        now = time.monotonic()
        for credential_id, subs in by_credential.items():
            if self._paused.get(credential_id, 0.0) > now:
                continue
            credential = self._credentials.get(credential_id)
            if credential is None:
                continue  # a caller's own credential this process has not seen since its restart
            order = self._fair_order(subs)
            rids = self.slots.reserve(credential_id, len(order))
            if not rids:
                continue
            chosen = order[: len(rids)]
            futures = [
                self._pool.submit(self._dispatch, sub, credential, rid) for sub, rid in zip(chosen, rids, strict=False)
            ]
            done, _ = wait(futures)
            sent += sum(1 for f in done if f.result())
        return sent

    def _fair_order(self, subs: list[Submission]) -> list[Submission]:
        """Round-robin across lanes (the least recently served lane first), oldest first in each."""
        lanes: dict[str, list[Submission]] = {}
        for sub in subs:  # already oldest first
            lanes.setdefault(lane_of(sub), []).append(sub)
        for lane in lanes:
            if lane not in self._rotation:
                self._rotation[lane] = None
        ordered_lanes = [lane for lane in self._rotation if lane in lanes]
        for lane in list(self._rotation):
            if lane not in lanes:
                del self._rotation[lane]
        order: list[Submission] = []
        depth = 0
        while len(order) < len(subs):
            for lane in ordered_lanes:
                if depth < len(lanes[lane]):
                    order.append(lanes[lane][depth])
            depth += 1
        return order

    def _served(self, lane: str) -> None:
        if lane in self._rotation:
            self._rotation.move_to_end(lane)

    def _dispatch(self, queued: Submission, credential: Credential, rid: str) -> bool:
        claim = Lease(self._store, keys.dispatch(queued.job_id), CLAIM_TTL, self._owner)
        try:
            if not claim.acquire():
                return False  # another process is sending it
            current = self._store.get_submission(queued.job_id)
            if current is None or current.status != "queued" or current.job_id != queued.job_id:
                return False  # cancelled or already sent
            self._served(lane_of(queued))
            request = ConversationInput.model_validate(queued.options.get("request") or {})
            append_to = queued.options.get("append_to") or None
            try:
                sub = self._submitter.send(
                    request,
                    queued.api_key_id,
                    credential,
                    time.monotonic() + self.send_deadline,
                    queued.options.get("base_url") or "",
                    append_to,
                )
            except (SymblRateLimited, SymblUnavailable) as exc:
                REQUEUED.inc()
                self._paused[credential.id] = time.monotonic() + BACKOFF_SECONDS
                log.info("queued item stays queued", extra={"job_id": queued.job_id, "error": type(exc).__name__})
                claim.release()
                return False
            except SymblError as exc:
                self._fail(queued, {"code": "symbl_rejected", "message": f"Symbl refused this item: {exc.message}"})
                return False
            sub.callback_url = queued.callback_url
            sub.options = {**queued.options, **sub.options, "queued_id": queued.job_id}
            sub.options.pop("request", None)
            if not self._store.dispatch_submission(queued.job_id, sub):
                self._store.put_submission(sub)  # cancelled meanwhile: the job exists, so follow it anyway
            self._store.publish(queued.job_id, "scheduled")
            self._track(sub)
            return True
        except StoreUnavailable:
            log.warning("store unavailable while dispatching", extra={"job_id": queued.job_id})
            return False
        finally:
            try:
                self.slots.release(credential.id, rid)
            except StoreUnavailable:
                pass  # the reservation expires by itself
