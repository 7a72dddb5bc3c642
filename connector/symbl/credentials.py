"""A Symbl app credential and its fingerprint (the ID used for caches, never the secret)."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from connector.store import keys

if TYPE_CHECKING:
    from connector.store.base import Store

CREDENTIAL_TTL = 30 * 86400.0
"""How long a caller's own Symbl credential is kept (encrypted) in the store after its last use."""
CREDENTIAL_REWRITE = 3600.0
"""How often a credential in use is written again (to extend its lifetime)."""


@dataclass(frozen=True)
class Credential:
    """A Symbl app ID and secret. ``repr`` hides the secret."""

    app_id: str
    app_secret: str = field(repr=False)

    @property
    def id(self) -> str:
        """A stable fingerprint: a hash of the app ID and secret (so a rotated secret gets a new token)."""
        digest = hashlib.sha256(f"{self.app_id}\0{self.app_secret}".encode()).hexdigest()
        return f"cred_{digest[:16]}"


class CredentialBook:
    """The Symbl credentials callers brought, by fingerprint, so background work (polls, callbacks,
    the queue) on any worker or instance can act for them: in memory, and in the store (which
    encrypts them, `SealedStore`), rewritten at most hourly. The server's own credential comes from
    the environment and is never stored."""

    def __init__(self, store: Store, *, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock
        self._known: dict[str, Credential] = {}
        self._saved_at: dict[str, float] = {}

    def add_own(self, credential: Credential) -> None:
        """Know the server's own credential (memory only)."""
        self._known[credential.id] = credential

    def remember(self, credential: Credential) -> None:
        """Keep a caller's own credential for later background work."""
        self._known[credential.id] = credential
        now = self._clock()
        if now - self._saved_at.get(credential.id, 0.0) > CREDENTIAL_REWRITE:
            value = json.dumps({"app_id": credential.app_id, "app_secret": credential.app_secret})
            self._store.kv_set(keys.credential(credential.id), value, CREDENTIAL_TTL)
            self._saved_at[credential.id] = now

    def get(self, credential_id: str) -> Credential | None:
        """A credential this process knows, or one another process saved in the store."""
        known = self._known.get(credential_id)
        if known is not None:
            return known
        raw = self._store.kv_get(keys.credential(credential_id))
        if not raw:
            return None
        data = json.loads(raw)
        credential = Credential(data["app_id"], data["app_secret"])
        if credential.id != credential_id:
            return None
        self._known[credential_id] = credential
        return credential
