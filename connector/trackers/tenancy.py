"""Whose saved trackers a caller sees: each API key its own; admin keys the account-wide ones.

Trackers live in the Symbl account, which every key shares, so the facade records who owns each
one: ``tracker-owner:<account>:<tracker id>`` in the store (durable: shared by every worker and
instance, kept across restarts) names the key that created it. A tracker with no owner record is
account-wide (made in Symbl's console, or by an admin key through the facade).

Symbl wants names unique in the account, and two keys may both want "Competitor": a key's
tracker is saved in Symbl as ``<key_id>/<name>`` and shown to its key as ``<name>``. A name in a
key's namespace is never account-wide, even if its owner record were lost."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from connector.store import keys
from connector.store.base import Store

OWNERSHIP_TTL = 100 * 365 * 24 * 3600.0  # the store's values expire; an ownership record must not
_NAMESPACED = re.compile(r"^key_[0-9a-f]{12}/")


def reserved(name: str) -> bool:
    """True for a name in a key's namespace (an admin key may not create or rename to one)."""
    return bool(_NAMESPACED.match(name))


@dataclass(frozen=True)
class Tenant:
    """One key's trackers (``key_id``), or the account-wide ones (``key_id`` None: an admin key)."""

    key_id: str | None

    @property
    def prefix(self) -> str:
        return f"{self.key_id}/" if self.key_id else ""

    def symbl_name(self, name: str) -> str:
        """The name saved in Symbl for the caller's ``name``."""
        return self.prefix + name

    def shown(self, tracker: dict[str, Any]) -> dict[str, Any]:
        """A Symbl tracker as its tenant sees it (its own name, without the namespace)."""
        return {**tracker, "name": str(tracker.get("name", "")).removeprefix(self.prefix)}


class TrackerOwners:
    """The ownership records of saved trackers."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @staticmethod
    def _key(app_id: str, tracker_id: str) -> str:
        return keys.tracker_owner(app_id, tracker_id)

    def owner(self, app_id: str, tracker_id: str) -> str | None:
        """The key that created the tracker, or None for an account-wide tracker."""
        return self._store.kv_get(self._key(app_id, tracker_id)) or None

    def claim(self, app_id: str, tracker_id: str, key_id: str) -> None:
        self._store.kv_set(self._key(app_id, tracker_id), key_id, OWNERSHIP_TTL)

    def release(self, app_id: str, tracker_id: str) -> None:
        self._store.kv_delete(self._key(app_id, tracker_id))

    def belongs(self, tenant: Tenant, app_id: str, tracker: dict[str, Any]) -> bool:
        """True when ``tracker`` (a Symbl tracker) is one ``tenant`` may see and change."""
        name = str(tracker.get("name", ""))
        if reserved(name) != (tenant.key_id is not None) or not name.startswith(tenant.prefix):
            return False  # the name rules it out: no store read
        return self.owner(app_id, str(tracker.get("id"))) == tenant.key_id
