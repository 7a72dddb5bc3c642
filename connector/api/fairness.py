"""Fair share of waiting connections: one API key may hold at most its share of a worker's
connections in waits (submit-and-wait, long-polled jobs and insights).

Counted per worker process, in memory: a worker's share is ``CONNECTOR_MAX_WAITS_PER_KEY`` (default
half of workers x worker connections) divided by the number of workers, so a crashed worker leaks
nothing. Past it, a request from that key does not wait: it gets the immediate answer (202 with the
job's links, or the status as it is now); the job goes on, nothing is lost."""

from __future__ import annotations

import threading

from flask import current_app, g

EXTENSION = "connector-waits"


class WaitShare:
    """Counts the waits each key holds in this process."""

    def __init__(self, per_key: int) -> None:
        self.per_key = per_key
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()

    def acquire(self, key_id: str) -> bool:
        with self._lock:
            held = self._held.get(key_id, 0)
            if held >= self.per_key:
                return False
            self._held[key_id] = held + 1
            return True

    def release(self, key_id: str) -> None:
        with self._lock:
            held = self._held.get(key_id, 0) - 1
            if held > 0:
                self._held[key_id] = held
            else:
                self._held.pop(key_id, None)


def fair_wait(key_id: str, wait: float) -> float:
    """``wait``, or 0 when the key already holds its share of waits here (released at teardown)."""
    if wait <= 0 or "wait_holder" in g:
        return wait
    share: WaitShare = current_app.extensions[EXTENSION]
    if not share.acquire(key_id):
        return 0.0
    g.wait_holder = key_id
    return wait


def release_wait() -> None:
    """teardown_request: give the request's wait back."""
    key_id = g.pop("wait_holder", None)
    if key_id is not None:
        current_app.extensions[EXTENSION].release(key_id)
