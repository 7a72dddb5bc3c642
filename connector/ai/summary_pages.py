"""Symbl's hosted summary page (Experience API), created once per conversation.

Concurrent requests for the same conversation, on any worker or instance, share one creation: a
store lease picks the creator, the others read the URL it keeps in the store."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from connector.store import keys
from connector.store.base import Store
from connector.store.lease import Lease
from connector.symbl.client import SymblClient
from connector.symbl.credentials import Credential

EXPIRES_SECONDS = 2592000  # Symbl's default: 30 days
KEEP_SECONDS = EXPIRES_SECONDS - 86400  # hand out a link for a day less than it lives
CREATE_LEASE_SECONDS = 30.0
WAIT_STEP_SECONDS = 0.1
"""How often a caller re-reads the page another process is creating."""
NAME = "verbose-text-summary"


class SummaryPageNotReady(Exception):
    """Another request is creating the page and did not finish by the deadline."""


class SummaryPages:
    """Creates and remembers summary page URLs."""

    def __init__(
        self,
        client: SymblClient,
        store: Store,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._store = store
        self._clock = clock
        self._sleep = sleep
        self._owner = uuid.uuid4().hex

    def url(self, credential: Credential, conversation_id: str, deadline: float) -> str:
        """The page's URL, created on first use."""
        kept = keys.summary_url(conversation_id)
        lease = Lease(self._store, keys.summary_lock(conversation_id), CREATE_LEASE_SECONDS, self._owner)
        while True:
            url = self._store.kv_get(kept)
            if url:
                return url
            if lease.acquire():
                try:
                    url = self._store.kv_get(kept)  # made by the previous holder just before it let go
                    if url:
                        return url
                    body = {"name": NAME, "summaryURLExpiresIn": EXPIRES_SECONDS}
                    created = self._client.create_experience(credential, conversation_id, body, deadline)
                    url = str(created.get("url") or "")
                    if url:
                        self._store.kv_set(kept, url, KEEP_SECONDS)
                    return url
                finally:
                    lease.release()
            if self._clock() >= deadline:
                raise SummaryPageNotReady()
            self._sleep(WAIT_STEP_SECONDS)
