"""Saved trackers over the Symbl client: every management call serialised per account, writes
validated first, a declarative sync, and name lookups for submits (cached briefly).

Symbl's refusals become this package's errors (409 `TrackerExists`, 413 `TrackerTooLarge`, 404
`TrackerNotFound`); other `SymblError`s pass through. The API layer maps both to answers
(`api/errors.py`). A management call is retried by the client on 429/5xx like any other."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from connector.jobs.options import ConversationInput, TrackerSpec
from connector.store.base import Store
from connector.symbl.client import SymblClient
from connector.symbl.credentials import Credential
from connector.symbl.errors import SymblError, SymblNotFound
from connector.trackers.lock import ManagementLock
from connector.trackers.sync import SyncPlan, plan
from connector.trackers.validation import TrackerIn, TrackerTooLarge, check_size

T = TypeVar("T")


class TrackerExists(Exception):
    """Symbl refused a name already used by another saved tracker (409)."""

    def __init__(self, name: str | None) -> None:
        super().__init__(name or "")
        self.name = name


class TrackerNotFound(Exception):
    """There is no saved tracker with this ID (404)."""


class UnknownTrackers(Exception):
    """Some names given for a submit are not saved trackers of the account."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


@dataclass
class SyncResult:
    """What a sync did (or, in a dry run, would do)."""

    created: list[dict[str, Any]]
    updated: list[dict[str, Any]]
    deleted: list[dict[str, Any]]
    unchanged: list[dict[str, Any]]


class TrackerService:
    """Saved-tracker operations for any credential."""

    def __init__(self, client: SymblClient, store: Store, *, call_seconds: float = 30.0,
                 cache_seconds: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._lock = ManagementLock(store, ttl=call_seconds * 2)
        self._call_seconds = call_seconds
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, list[dict[str, Any]]]] = {}
        self._cache_guard = threading.Lock()

    def _call(self, credential: Credential, call: Callable[[float], T], name: str | None = None) -> T:
        """Run one Symbl management call while holding the account's lock; Symbl's 409, 413 and
        404 become `TrackerExists` (for ``name``), `TrackerTooLarge` and `TrackerNotFound`."""
        deadline = time.monotonic() + self._call_seconds
        try:
            with self._lock.hold(credential.app_id, deadline):
                return call(deadline)
        except SymblError as exc:
            if exc.status == 409:
                raise TrackerExists(name) from None
            if exc.status == 413:
                raise TrackerTooLarge(by_symbl=True) from None
            if isinstance(exc, SymblNotFound):
                raise TrackerNotFound() from None
            raise

    def _forget(self, credential: Credential) -> None:
        with self._cache_guard:
            self._cache.pop(credential.id, None)

    # -- CRUD --------------------------------------------------------------------------------
    def list_saved(self, credential: Credential, name: str | None = None) -> list[dict[str, Any]]:
        """The account's saved trackers (only the one named ``name``, if given)."""
        trackers = self._call(credential, lambda d: self._client.list_trackers(credential, d, name))
        if name is None:
            with self._cache_guard:
                self._cache[credential.id] = (self._clock() + self._cache_seconds, trackers)
        return trackers

    def get(self, credential: Credential, tracker_id: str) -> dict[str, Any]:
        return self._call(credential, lambda d: self._client.get_tracker(credential, tracker_id, d))

    def create(self, credential: Credential, trackers: list[TrackerIn]) -> list[dict[str, Any]]:
        """Create all or none (one Symbl call)."""
        return self._create(credential, trackers, trackers[0].name if len(trackers) == 1 else None)

    def _create(self, credential: Credential, trackers: list[TrackerIn], name: str | None) -> list[dict[str, Any]]:
        body = [t.symbl() for t in trackers]
        check_size(body)
        try:
            return self._call(credential, lambda d: self._client.create_trackers(credential, body, d), name)
        finally:
            self._forget(credential)

    def update(self, credential: Credential, tracker_id: str, tracker: TrackerIn) -> dict[str, Any]:
        """Replace a tracker's name and vocabulary."""
        return self._update(credential, tracker_id, tracker, tracker.name)

    def _update(self, credential: Credential, tracker_id: str, tracker: TrackerIn, name: str | None) -> dict[str, Any]:
        check_size({"id": tracker_id, **tracker.symbl()})
        try:
            return self._call(credential, lambda d: self._client.update_tracker(credential, tracker_id, tracker.symbl(), d),
                              name)
        finally:
            self._forget(credential)

    def delete(self, credential: Credential, tracker_id: str) -> None:
        try:
            self._call(credential, lambda d: self._client.delete_tracker(credential, tracker_id, d))
        finally:
            self._forget(credential)

    # -- sync ----------------------------------------------------------------------------------
    def sync(self, credential: Credential, desired: list[TrackerIn], *, delete_missing: bool = False,
             dry_run: bool = False) -> SyncResult:
        """Make the account's trackers match ``desired``: create the missing, update the changed,
        and with ``delete_missing`` delete the others."""
        check_size([t.symbl() for t in desired])
        todo: SyncPlan = plan(desired, self.list_saved(credential), delete_missing=delete_missing)
        if dry_run:
            return SyncResult(
                created=[{"id": None, **t.symbl()} for t in todo.create],
                updated=[{"id": current["id"], **t.symbl()} for current, t in todo.update],
                deleted=todo.delete, unchanged=todo.unchanged,
            )
        created = self._create(credential, todo.create, None) if todo.create else []
        updated = [self._update(credential, str(current["id"]), t, None) for current, t in todo.update]
        for tracker in todo.delete:
            self.delete(credential, str(tracker["id"]))
        return SyncResult(created=created, updated=updated, deleted=todo.delete, unchanged=todo.unchanged)

    # -- submits ------------------------------------------------------------------------------
    def resolve(self, credential: Credential, names: list[str]) -> list[dict[str, Any]]:
        """The saved trackers named ``names`` as inline ``{name, vocabulary}``; raise UnknownTrackers.

        Uses the account's list cached for ``cache_seconds``; a name missing from the cache is
        looked up again once (it may have just been created by another instance)."""
        with self._cache_guard:
            cached = self._cache.get(credential.id)
        fresh = cached is None or cached[0] < self._clock()
        trackers = self.list_saved(credential) if fresh or cached is None else cached[1]
        by_name = {t.get("name"): t for t in trackers}
        if any(n not in by_name for n in names) and not fresh:
            by_name = {t.get("name"): t for t in self.list_saved(credential)}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise UnknownTrackers(missing)
        return [{"name": n, "vocabulary": list(by_name[n].get("vocabulary") or [])} for n in dict.fromkeys(names)]

    def apply(self, request: ConversationInput, credential: Credential) -> ConversationInput:
        """Resolve a submit's ``tracker_names`` into inline ``trackers`` (Symbl's submit takes
        trackers inline; an inline tracker of the same name wins); raise `UnknownTrackers`."""
        if not request.tracker_names:
            return request
        saved = self.resolve(credential, request.tracker_names)
        inline = {t.name for t in request.trackers}
        extra = [TrackerSpec(name=t["name"], vocabulary=t["vocabulary"]) for t in saved if t["name"] not in inline]
        return request.model_copy(update={"trackers": [*request.trackers, *extra]})
