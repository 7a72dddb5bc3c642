"""Per-credential concurrency slots, shared by every worker and instance through the store.

In flight = the credential's submissions with status ``scheduled`` or ``in_progress`` (the store
counts them) plus the short-lived reservations of submits being sent right now. A reservation is
taken under a per-credential store lock before Symbl is called and released once the submission
is recorded (so it is then counted as in flight), or once the call failed. Reservations expire
(RESERVATION_TTL) so a process killed in the middle of a submit does not hold a slot forever.

A slot is freed when the facade learns that a job ended (poll or webhook), which is never
earlier than Symbl frees it: the facade never has more than ``limit`` jobs in flight at Symbl."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from connector.store import keys
from connector.store.base import Store, StoreUnavailable
from connector.store.lease import Lease

LOCK_TTL = 10.0
LOCK_WAIT = 15.0
LOCK_STEP = 0.003
RESERVATION_TTL = 60.0
RESERVE_STEP = 0.1
"""How often an upload waiting for a slot tries again."""


class Slots:
    """``limit`` jobs in flight per Symbl credential (0: unlimited, every reservation succeeds)."""

    def __init__(
        self,
        store: Store,
        limit: int,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._store = store
        self.limit = limit
        self._clock = clock
        self._sleep = sleep

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    @contextmanager
    def _locked(self, credential_id: str) -> Iterator[None]:
        lock = Lease(self._store, keys.slots_lock(credential_id), LOCK_TTL)
        if not lock.wait(time.monotonic() + LOCK_WAIT, step=LOCK_STEP, sleep=self._sleep):
            raise StoreUnavailable("the concurrency slot lock could not be taken")
        try:
            yield
        finally:
            lock.release()

    def _reservations(self, credential_id: str) -> dict[str, float]:
        raw = self._store.kv_get(keys.slots(credential_id))
        now = self._clock()
        held: dict[str, float] = json.loads(raw) if raw else {}
        return {rid: until for rid, until in held.items() if until > now}

    def _save(self, credential_id: str, held: dict[str, float]) -> None:
        if held:
            self._store.kv_set(keys.slots(credential_id), json.dumps(held), RESERVATION_TTL)
        else:
            self._store.kv_delete(keys.slots(credential_id))

    def reserve(self, credential_id: str, count: int = 1) -> list[str]:
        """Take up to ``count`` free slots now; return their reservation IDs (maybe none)."""
        if count <= 0:
            return []
        if not self.enabled:
            return [uuid.uuid4().hex for _ in range(count)]
        with self._locked(credential_id):
            held = self._reservations(credential_id)
            free = self.limit - self._store.count_in_flight(credential_id) - len(held)
            taken = [uuid.uuid4().hex for _ in range(max(0, min(count, free)))]
            if taken:
                until = self._clock() + RESERVATION_TTL
                held.update({rid: until for rid in taken})
                self._save(credential_id, held)
        return taken

    def reserve_one(self, credential_id: str, wait: float = 0.0) -> str | None:
        """One slot, waiting up to ``wait`` seconds for it; None if none freed up."""
        give_up = time.monotonic() + wait
        while True:
            taken = self.reserve(credential_id, 1)
            if taken:
                return taken[0]
            if time.monotonic() >= give_up:
                return None
            self._sleep(RESERVE_STEP)

    def release(self, credential_id: str, *rids: str) -> None:
        """Give reservations back (after the submission was recorded, or the submit failed)."""
        if not self.enabled or not rids:
            return
        with self._locked(credential_id):
            held = self._reservations(credential_id)
            for rid in rids:
                held.pop(rid, None)
            self._save(credential_id, held)

    def in_flight(self, credential_id: str) -> int:
        """Jobs counted against the credential's limit right now (recorded plus reserved)."""
        return self._store.count_in_flight(credential_id) + len(self._reservations(credential_id))
