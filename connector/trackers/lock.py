"""One Management API call at a time per Symbl account, across threads, workers and instances.

Symbl answers 429 to a second concurrent management call of an account. An in-process lock
queues this process's callers; a lease in the store (`kv_set_if_absent`, released with
`kv_delete` only by its holder) queues every other worker and instance. The lease expires after
``ttl`` seconds so a crashed holder blocks the account for at most that long. The key is the app
ID (hashed): the limit is per account, whatever secret is used."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

from connector.store import keys
from connector.store.base import Store
from connector.store.lease import Lease


class ManagementBusy(Exception):
    """Another management call of the account held the lock until the caller's deadline."""


class ManagementLock:
    """The per-account lock of Symbl management calls."""

    def __init__(
        self, store: Store, *, ttl: float = 60.0, step: float = 0.02, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._store = store
        self._ttl = ttl
        self._step = step
        self._sleep = sleep
        self._locals: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    @staticmethod
    def key(app_id: str) -> str:
        return keys.tracker_lock(app_id)

    def _local(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locals.setdefault(key, threading.Lock())

    @contextlib.contextmanager
    def hold(self, app_id: str, deadline: float) -> Iterator[None]:
        """Hold the account's lock for the block; raise ManagementBusy if not acquired by ``deadline``."""
        key = self.key(app_id)
        local = self._local(key)
        if not local.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise ManagementBusy()
        try:
            lease = Lease(self._store, key, self._ttl)
            if not lease.wait(deadline, step=self._step, sleep=self._sleep):
                raise ManagementBusy()
            try:
                yield
            finally:
                lease.release()
        finally:
            local.release()
