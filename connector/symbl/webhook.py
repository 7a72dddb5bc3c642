"""Where Symbl posts job status changes: the facade's webhook URL and its path secret."""

from __future__ import annotations

import secrets
import threading

from connector.store import keys
from connector.store.base import Store

WEBHOOK_SECRET_TTL = 10 * 365 * 86400.0


class WebhookEndpoint:
    """The unguessable path secret (configured, or generated once and shared through the store)
    and the ``webhookUrl`` passed to Symbl when the facade has a public URL."""

    def __init__(self, store: Store, public_url: str, configured_secret: str = "") -> None:
        self._store = store
        self._public_url = public_url
        self._secret = configured_secret or None
        self._lock = threading.Lock()

    def secret(self) -> str:
        """The path secret of our receiver (the same for every worker and instance)."""
        if self._secret:
            return self._secret
        with self._lock:
            candidate = secrets.token_urlsafe(24)
            self._store.kv_set_if_absent(keys.WEBHOOK_SECRET, candidate, WEBHOOK_SECRET_TTL)
            self._secret = self._store.kv_get(keys.WEBHOOK_SECRET) or candidate
            return self._secret

    def url(self) -> str | None:
        """The webhookUrl for Symbl, or None without a public URL."""
        if not self._public_url:
            return None
        return f"{self._public_url.rstrip('/')}/v1/symbl/webhook/{self.secret()}"
