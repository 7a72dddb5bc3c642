"""Batches: many conversations submitted at once, processed through the shared queue.

A batch is an entity of the store (`BatchRecord` and its `BatchItem`s: names, keys and facade
job IDs, kept like submissions); each item is a ``queued`` submission like a single submit that found
no free slot, so batches and single submissions share the dispatcher's fairness (a batch is one
lane). Item progress is read from the submissions themselves (a queued ID keeps working after
dispatch: it is an alias of Symbl's job ID).

Item keys (e.g. a recording ID) make re-runs safe: ``item-key:<api_key_id>:<sha256(key)>`` points
to the submission that processed the key. An item whose key is already known (queued, running or
completed) is not submitted again; it points to the earlier conversation (``reused``). A key whose
earlier submission failed or was cancelled is submitted again.

Cancelling marks the items that have not started ``failed`` with error ``cancelled`` (no callback
for them); items already at Symbl run to the end."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from connector.jobs.options import ConversationInput
from connector.jobs.submit import Submitter
from connector.queue.dispatch import CLAIM_TTL
from connector.store import keys
from connector.store.base import BatchItem, BatchRecord, Store, Submission
from connector.store.lease import Lease
from connector.symbl.credentials import Credential

KEY_TTL = 10 * 365 * 86400.0
CANCELLED = {"code": "cancelled", "message": "The batch was cancelled before this item was sent to Symbl."}


@dataclass
class Item:
    """One item of a batch request, validated."""

    request: ConversationInput
    key: str = ""


@dataclass
class ItemState:
    """A stored item with its current submission."""

    index: int
    name: str
    key: str
    job_id: str
    reused: bool
    sub: Submission | None = None

    def stored(self) -> BatchItem:
        return BatchItem(index=self.index, name=self.name, key=self.key, job_id=self.job_id, reused=self.reused)

    @property
    def status(self) -> str:
        if self.sub is None:
            return "queued"
        if self.sub.status == "failed" and (self.sub.error or {}).get("code") == "cancelled":
            return "cancelled"
        return self.sub.status


@dataclass
class Batch:
    """A batch with its items' current state."""

    id: str
    api_key_id: str
    created_at: float
    callback_url: str | None
    items: list[ItemState] = field(default_factory=list)
    cancelled_at: float | None = None

    def record(self) -> BatchRecord:
        return BatchRecord(
            id=self.id,
            api_key_id=self.api_key_id,
            created_at=self.created_at,
            callback_url=self.callback_url,
            cancelled_at=self.cancelled_at,
        )

    def counts(self) -> dict[str, int]:
        counts = {s: 0 for s in ("queued", "scheduled", "in_progress", "completed", "failed", "cancelled")}
        for item in self.items:
            counts[item.status] = counts.get(item.status, 0) + 1
        return counts

    @property
    def done(self) -> bool:
        return all(i.status in ("completed", "failed", "cancelled") for i in self.items)


class Batches:
    """Create, read and cancel batches (see the module docstring)."""

    def __init__(self, store: Store, submitter: Submitter) -> None:
        self._store = store
        self._submitter = submitter

    def create(
        self, items: list[Item], *, api_key_id: str, credential: Credential, base_url: str, callback_url: str | None
    ) -> Batch:
        batch = Batch(
            id=f"batch-{uuid.uuid4()}", api_key_id=api_key_id, created_at=time.time(), callback_url=callback_url
        )
        new: list[Submission] = []
        seen: dict[str, str] = {}
        for index, item in enumerate(items):
            name = item.request.name or ""
            if item.key and item.key in seen:
                batch.items.append(ItemState(index, name, item.key, seen[item.key], True))
                continue
            queued = self._submitter.enqueue(
                item.request,
                api_key_id,
                credential,
                base_url,
                None,
                write=False,
                extra={"batch_id": batch.id, "item": index, "key": item.key},
            )
            job_id, reused = queued.job_id, False
            if item.key:
                earlier = self._claim_key(api_key_id, item.key, queued.job_id)
                if earlier is not None:
                    job_id, reused = earlier, True
                seen[item.key] = job_id
            if not reused:
                new.append(queued)
            batch.items.append(ItemState(index, name, item.key, job_id, reused))
        self._store.put_submissions(new)
        self._store.put_batch(batch.record(), [item.stored() for item in batch.items])
        if new:
            self._submitter.queued()
        return batch

    def _claim_key(self, api_key_id: str, key: str, job_id: str) -> str | None:
        """Point the key at ``job_id``; or return the job that already processed it."""
        slot = keys.item_key(api_key_id, key)
        for _ in range(5):
            if self._store.kv_set_if_absent(slot, job_id, KEY_TTL):
                return None
            earlier = self._store.kv_get(slot)
            if earlier is None:
                continue
            sub = self._store.get_submission(earlier)
            if sub is not None and sub.status != "failed":
                return earlier
            # never written (a crash between claim and write), failed or cancelled: process it again
            self._store.kv_delete(slot, earlier)
        return None

    def get(self, batch_id: str, api_key_id: str) -> Batch | None:
        """The batch with every item's current submission; None if unknown or another key's."""
        record = self._store.get_batch(batch_id)
        if record is None or record.api_key_id != api_key_id:
            return None
        items = [
            ItemState(i.index, i.name, i.key, i.job_id, i.reused, self._store.get_submission(i.job_id))
            for i in self._store.batch_items(batch_id)
        ]
        return Batch(
            id=record.id,
            api_key_id=record.api_key_id,
            created_at=record.created_at,
            callback_url=record.callback_url,
            items=items,
            cancelled_at=record.cancelled_at,
        )

    def cancel(self, batch_id: str, api_key_id: str) -> Batch | None:
        """Cancel the items that have not been sent to Symbl; return the batch afterwards."""
        batch = self.get(batch_id, api_key_id)
        if batch is None:
            return None
        for item in batch.items:
            sub = item.sub
            if item.reused or sub is None or sub.status != "queued":
                continue
            if Lease(self._store, keys.dispatch(sub.job_id), CLAIM_TTL, owner="cancel").acquire():  # not being sent now
                self._store.finish_submission(sub.job_id, "failed", CANCELLED, [])
        self._store.cancel_batch(batch.id, time.time())
        return self.get(batch_id, api_key_id)


def item_request(raw: dict[str, Any], defaults: dict[str, Any], callback_url: str | None) -> ConversationInput:
    """One item's request: the batch options, then the item's own options and input."""
    data = {**defaults, **(raw.get("options") or {})}
    for name in ("url", "transcript", "messages", "name", "type"):
        if raw.get(name) not in (None, "", []):  # low-code tools send unmapped fields as empty
            data[name] = raw[name]
    data.pop("wait", None)
    data["callback_url"] = callback_url
    return ConversationInput.model_validate(data)
