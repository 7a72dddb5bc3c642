"""A Symbl app credential and its fingerprint (the ID used for caches, never the secret)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


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
    """The Symbl credentials this process has seen, by fingerprint, so background work (polls,
    callbacks, the queue) can act for a caller who brought their own. Never persisted."""

    def __init__(self) -> None:
        self._known: dict[str, Credential] = {}

    def remember(self, credential: Credential) -> None:
        """Keep ``credential`` for later background work."""
        self._known[credential.id] = credential

    def get(self, credential_id: str) -> Credential | None:
        """The credential with this fingerprint, if this process has seen it."""
        return self._known.get(credential_id)
