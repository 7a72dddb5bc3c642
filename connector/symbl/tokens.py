"""Symbl access tokens: one per credential for the whole deployment.

The cache and the refresh lock live in the store, so every worker and instance shares one token
and only one of them refreshes it; a small in-process copy saves a store read per call.

Refresh happens early, at ``min(300 s, half the lifetime)`` before expiry, until Symbl shows
that it answers a repeat generate with the *same* token and its remaining lifetime (it does,
docs/symbl-api-notes.md, Tokens): an early refresh can then never get a newer token, so from then on the
token is used until its expiry and replaced then (one generate call per lifetime). A request that
meets the switch at the very instant of expiry gets a 401, and the client refreshes once and
retries. ``MIN_SAME_TOKEN_WAIT`` stops a loop of generates while Symbl still reports ~0 s left.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from connector.metrics import TOKEN_REFRESHES
from connector.store import keys
from connector.store.base import Store
from connector.store.lease import Lease
from connector.symbl.credentials import Credential

log = logging.getLogger(__name__)

REFRESH_MARGIN = 300.0
MIN_SAME_TOKEN_WAIT = 1.0
REUSES_MEMORY = 30 * 86400.0
LOCK_TTL = 15.0
WAIT_STEP = 0.05


@dataclass
class CachedToken:
    token: str
    expires_at: float
    refresh_at: float

    def to_json(self) -> str:
        return json.dumps({"token": self.token, "expires_at": self.expires_at, "refresh_at": self.refresh_at})

    @classmethod
    def from_json(cls, text: str) -> CachedToken:
        data = json.loads(text)
        return cls(data["token"], float(data["expires_at"]), float(data["refresh_at"]))


def refresh_time(now: float, expires_in: float, reuses: bool) -> float:
    """When to refresh a token that expires ``expires_in`` seconds from ``now``; ``reuses``: Symbl
    hands back the cached token while it is valid, so nothing newer exists before it expires."""
    if reuses:
        return now + max(expires_in, MIN_SAME_TOKEN_WAIT)
    return now + expires_in - min(REFRESH_MARGIN, expires_in / 2)


class TokenProvider:
    """Hands out a valid access token for one credential; ``generate`` calls Symbl."""

    def __init__(
        self,
        credential: Credential,
        store: Store,
        generate: Callable[[Credential], tuple[str, float]],
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._credential = credential
        self._store = store
        self._generate = generate
        self._clock = clock
        self._sleep = sleep
        self._key = keys.token(credential.id)
        self._lock = Lease(store, keys.token_lock(credential.id), LOCK_TTL)
        self._local: CachedToken | None = None
        self._reuses_key = keys.token_reuses(credential.id)  # deployment-wide, outlives any one token
        self._mutex = threading.Lock()
        self.generations = 0

    def get(self) -> str:
        """Return a token that is valid now, refreshing it (once, deployment-wide) when due."""
        now = self._clock()
        local = self._local
        if local and now < local.refresh_at:
            return local.token
        with self._mutex:  # one thread per process goes to the store; the others reuse its answer
            local = self._local
            if local and self._clock() < local.refresh_at:
                return local.token
            cached = self._read()
            if cached and self._clock() < cached.refresh_at:
                self._local = cached
                return cached.token
            return self._refresh(cached)

    def invalidate(self, token: str) -> None:
        """Forget ``token`` after a 401, unless a newer one has already replaced it."""
        with self._mutex:
            if self._local and self._local.token == token:
                self._local = None
            cached = self._read()
            if cached and cached.token == token:
                self._store.kv_delete(self._key, cached.to_json())

    def _read(self) -> CachedToken | None:
        raw = self._store.kv_get(self._key)
        if not raw:
            return None
        try:
            return CachedToken.from_json(raw)
        except (ValueError, KeyError):
            return None

    def _refresh(self, stale: CachedToken | None) -> str:
        deadline = self._clock() + LOCK_TTL
        while True:
            if self._lock.acquire():
                try:
                    fresh = self._read()  # another instance may have refreshed meanwhile
                    if fresh and self._clock() < fresh.refresh_at:
                        self._local = fresh
                        return fresh.token
                    return self._generate_and_save(stale or fresh)
                finally:
                    self._lock.release()
            # someone else is refreshing: a still-valid token is good enough meanwhile
            current = self._read() or stale
            if current and self._clock() < current.expires_at - 1:
                if self._clock() < current.refresh_at:
                    self._local = current
                return current.token
            if self._clock() > deadline:
                return self._generate_and_save(stale)  # the lock holder died: do it ourselves
            self._sleep(WAIT_STEP)

    def _generate_and_save(self, previous: CachedToken | None) -> str:
        started = self._clock()  # Symbl's lifetime starts before its answer reaches us: count from here
        token, expires_in = self._generate(self._credential)
        self.generations += 1
        TOKEN_REFRESHES.inc()
        same = previous is not None and previous.token == token
        if same:
            self._store.kv_set(self._reuses_key, "1", REUSES_MEMORY)
        reuses = same or self._store.kv_get(self._reuses_key) == "1"
        cached = CachedToken(token, started + expires_in, refresh_time(started, expires_in, reuses))
        self._store.kv_set(self._key, cached.to_json(), max(expires_in, 1.0))
        self._local = cached
        log.info("symbl token generated", extra={"credential_id": self._credential.id, "expires_in": expires_in})
        return token
