"""A lease in the store: one owner at a time for a key, until released or until its TTL passes.

The one helper behind every cross-process lock and claim (token refresh, the tracker lock,
concurrency slots, job polling, deliveries, queue dispatch): set-if-absent to take it, delete
only by its owner to release it, so a crashed holder blocks others for at most the TTL."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connector.store.base import KeyValues


class LeaseBusy(Exception):
    """The lease was not acquired before the deadline."""


class Lease:
    """One key's lease, held by ``owner`` (a fresh random ID unless given)."""

    def __init__(self, store: KeyValues, key: str, ttl: float, owner: str | None = None) -> None:
        self._store = store
        self.key = key
        self.ttl = ttl
        self.owner = owner or uuid.uuid4().hex

    def acquire(self) -> bool:
        """Take the lease if nobody holds it; True if taken."""
        return self._store.kv_set_if_absent(self.key, self.owner, self.ttl)

    def acquire_or_renew(self) -> bool:
        """Take the lease, or extend it if this owner holds it already; True if held now."""
        if self.acquire():
            return True
        if self._store.kv_get(self.key) == self.owner:
            self._store.kv_set(self.key, self.owner, self.ttl)
            return True
        return False

    def take_over(self) -> None:
        """Hold the lease whoever held it (a holder that is dead or late must not delay us)."""
        self._store.kv_set(self.key, self.owner, self.ttl)

    def release(self) -> bool:
        """Give the lease back if this owner still holds it."""
        return self._store.kv_delete(self.key, self.owner)

    def wait(
        self,
        deadline: float,
        *,
        step: float,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> bool:
        """Try every ``step`` seconds until the lease is taken (True) or ``deadline`` comes (False)."""
        while not self.acquire():
            if clock() + step >= deadline:
                return False
            sleep(step)
        return True

    @contextmanager
    def held(self, deadline: float, *, step: float, sleep: Callable[[float], None] = time.sleep) -> Iterator[None]:
        """Hold the lease for the block; raise `LeaseBusy` if not taken by ``deadline``."""
        if not self.wait(deadline, step=step, sleep=sleep):
            raise LeaseBusy(self.key)
        try:
            yield
        finally:
            self.release()
