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
