"""Saved trackers over the Symbl client: every management call serialised per account, writes
validated first, a declarative sync, and name lookups for submits (cached briefly). Every call
acts for one `Tenant` (an API key, or the admin keys), and sees only its trackers (tenancy.py).

Symbl's refusals become this package's errors (409 `TrackerExists`, 413 `TrackerTooLarge`, 404 and
another tenant's ID `TrackerNotFound`); other `SymblError`s pass through. The API layer maps both to
answers (`api/errors.py`). A management call is retried by the client on 429/5xx like any other."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from connector.jobs.options import ConversationInput, TrackerSpec
from connector.store.base import Store, StoreUnavailable
from connector.symbl.client import SymblClient
from connector.symbl.credentials import Credential
from connector.symbl.errors import SymblError, SymblNotFound
from connector.trackers.lock import ManagementBusy, ManagementLock
from connector.trackers.sync import SyncPlan, plan
from connector.trackers.tenancy import Tenant, TrackerOwners
from connector.trackers.validation import TrackerIn, TrackerTooLarge, check_size

T = TypeVar("T")


class TrackerExists(Exception):
    """Symbl refused a name already used by another saved tracker (409)."""

    def __init__(self, name: str | None) -> None:
        super().__init__(name or "")
        self.name = name


class TrackerNotFound(Exception):
    """There is no saved tracker with this ID for the tenant (unknown, or another key's)."""


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

    def __init__(
        self,
        client: SymblClient,
        store: Store,
        *,
        call_seconds: float = 30.0,
        cache_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._owners = TrackerOwners(store)
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

    def _mine(self, credential: Credential, tenant: Tenant, trackers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The trackers of ``tenant`` among the account's, as the tenant sees them."""
        return [tenant.shown(t) for t in trackers if self._owners.belongs(tenant, credential.app_id, t)]

    def _check_owned(self, credential: Credential, tenant: Tenant, tracker_id: str) -> None:
        """Raise TrackerNotFound (the same answer as an unknown ID) unless the ID is ``tenant``'s."""
        if self._owners.owner(credential.app_id, tracker_id) != tenant.key_id:
            raise TrackerNotFound()

    # -- CRUD --------------------------------------------------------------------------------
    def _account(self, credential: Credential, name: str | None = None) -> list[dict[str, Any]]:
        """Every saved tracker of the Symbl account (Symbl's names)."""
        trackers = self._call(credential, lambda d: self._client.list_trackers(credential, d, name))
        if name is None:
            with self._cache_guard:
                self._cache[credential.id] = (self._clock() + self._cache_seconds, trackers)
        return trackers

    def list_saved(self, credential: Credential, tenant: Tenant, name: str | None = None) -> list[dict[str, Any]]:
        """``tenant``'s saved trackers (only the one named ``name`` when given)."""
        symbl_name = None if name is None else tenant.symbl_name(name)
        return self._mine(credential, tenant, self._account(credential, symbl_name))

    def get(self, credential: Credential, tenant: Tenant, tracker_id: str) -> dict[str, Any]:
        self._check_owned(credential, tenant, tracker_id)
        tracker = self._call(credential, lambda d: self._client.get_tracker(credential, tracker_id, d))
        if not self._owners.belongs(tenant, credential.app_id, tracker):
            raise TrackerNotFound()
        return tenant.shown(tracker)

    def create(self, credential: Credential, tenant: Tenant, trackers: list[TrackerIn]) -> list[dict[str, Any]]:
        """Create all or none (one Symbl call); each created tracker is recorded as ``tenant``'s."""
        return self._create(credential, tenant, trackers, trackers[0].name if len(trackers) == 1 else None)

    def _create(
        self, credential: Credential, tenant: Tenant, trackers: list[TrackerIn], name: str | None
    ) -> list[dict[str, Any]]:
        body = [{**t.symbl(), "name": tenant.symbl_name(t.name)} for t in trackers]
        check_size(body)
        try:
            created = self._call(credential, lambda d: self._client.create_trackers(credential, body, d), name)
        finally:
            self._forget(credential)
        if tenant.key_id is not None:
            try:
                for tracker in created:
                    self._owners.claim(credential.app_id, str(tracker.get("id")), tenant.key_id)
            except StoreUnavailable:  # unowned, they would be nobody's: take them back, then fail
                for tracker in created:
                    tracker_id = str(tracker["id"])
                    with contextlib.suppress(SymblError, ManagementBusy, TrackerNotFound):
                        self._call(credential, lambda d: self._client.delete_tracker(credential, tracker_id, d))  # noqa: B023 - called at once
                raise
        return [tenant.shown(t) for t in created]

    def update(self, credential: Credential, tenant: Tenant, tracker_id: str, tracker: TrackerIn) -> dict[str, Any]:
        """Replace a tracker's name and vocabulary."""
        return self._update(credential, tenant, tracker_id, tracker, tracker.name)

    def _update(
        self, credential: Credential, tenant: Tenant, tracker_id: str, tracker: TrackerIn, name: str | None
    ) -> dict[str, Any]:
        body = {**tracker.symbl(), "name": tenant.symbl_name(tracker.name)}
        check_size({"id": tracker_id, **body})
        self._check_owned(credential, tenant, tracker_id)
        try:
            updated = self._call(
                credential, lambda d: self._client.update_tracker(credential, tracker_id, body, d), name
            )
        finally:
            self._forget(credential)
        return tenant.shown(updated)

    def delete(self, credential: Credential, tenant: Tenant, tracker_id: str) -> None:
        self._check_owned(credential, tenant, tracker_id)
        try:
            self._call(credential, lambda d: self._client.delete_tracker(credential, tracker_id, d))
        finally:
            self._forget(credential)
        if tenant.key_id is not None:
            self._owners.release(credential.app_id, tracker_id)

    # -- sync ----------------------------------------------------------------------------------
    def sync(
        self,
        credential: Credential,
        tenant: Tenant,
        desired: list[TrackerIn],
        *,
        delete_missing: bool = False,
        dry_run: bool = False,
    ) -> SyncResult:
        """Make ``tenant``'s trackers match ``desired``: create the missing, update the changed,
        and with ``delete_missing`` delete its others (never another tenant's)."""
        check_size([{**t.symbl(), "name": tenant.symbl_name(t.name)} for t in desired])
        todo: SyncPlan = plan(desired, self.list_saved(credential, tenant), delete_missing=delete_missing)
        if dry_run:
            return SyncResult(
                created=[{"id": None, **t.symbl()} for t in todo.create],
                updated=[{"id": current["id"], **t.symbl()} for current, t in todo.update],
                deleted=todo.delete,
                unchanged=todo.unchanged,
            )
        created = self._create(credential, tenant, todo.create, None) if todo.create else []
        updated = [self._update(credential, tenant, str(current["id"]), t, None) for current, t in todo.update]
        for tracker in todo.delete:
            self.delete(credential, tenant, str(tracker["id"]))
        return SyncResult(created=created, updated=updated, deleted=todo.delete, unchanged=todo.unchanged)

    # -- submits ------------------------------------------------------------------------------
    def resolve(self, credential: Credential, tenant: Tenant, names: list[str] | None) -> list[dict[str, Any]]:
        """``tenant``'s saved trackers named ``names`` (all of them for None) as inline
        ``{name, vocabulary}``; raise UnknownTrackers (another tenant's tracker of that name is unknown too).

        Uses the account's list cached for ``cache_seconds``; a name missing from the cache is
        looked up again once (it may have just been created by another instance)."""
        with self._cache_guard:
            cached = self._cache.get(credential.id)
        fresh = cached is None or cached[0] < self._clock()
        trackers = self._account(credential) if fresh or cached is None else cached[1]
        by_name = {t.get("name"): t for t in self._mine(credential, tenant, trackers)}
        if names is None:
            return [{"name": n, "vocabulary": list(t.get("vocabulary") or [])} for n, t in by_name.items()]
        if any(n not in by_name for n in names) and not fresh:
            by_name = {t.get("name"): t for t in self._mine(credential, tenant, self._account(credential))}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise UnknownTrackers(missing)
        return [{"name": n, "vocabulary": list(by_name[n].get("vocabulary") or [])} for n in dict.fromkeys(names)]

    def apply(self, request: ConversationInput, credential: Credential, tenant: Tenant) -> ConversationInput:
        """Resolve a submit's ``tracker_names`` into inline ``trackers`` (Symbl's submit takes
        trackers inline; an inline tracker of the same name wins) among ``tenant``'s own saved
        trackers; raise `UnknownTrackers` (another key's are unknown too).

        ``enable_all_trackers`` means all of the tenant's saved trackers, sent inline: Symbl's own
        flag would match every tracker of the account, other keys' included."""
        if not request.tracker_names and not request.enable_all_trackers:
            return request
        saved = self.resolve(credential, tenant, request.tracker_names)
        if request.enable_all_trackers:
            saved = [*saved, *self.resolve(credential, tenant, None)]
        inline = {t.name for t in request.trackers}
        extra = [TrackerSpec(name=t["name"], vocabulary=t["vocabulary"]) for t in saved if t["name"] not in inline]
        extra = list({t.name: t for t in extra}.values())
        return request.model_copy(update={"trackers": [*request.trackers, *extra], "enable_all_trackers": False})
