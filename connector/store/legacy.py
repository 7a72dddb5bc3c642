"""Batches written before batches were a stored entity, read once to move them (no loss on upgrade).

Before the redesign a batch was one expiring value of the key-value facet, ``batch:<id>``
(`keys.legacy_batch`), holding JSON: ``{"id", "api_key_id", "created_at", "callback_url",
"cancelled_at", "items": [[name, key, job_id, reused], ...]}`` (an item's index is its position).
Each backend moves such a value lazily: when `get_batch` or `batch_items` does not find a batch,
it reads the old value, stores the batch (insert-if-absent, so workers racing on it never insert
twice) and deletes the old value, in one atomic step."""

from __future__ import annotations

import logging

from pydantic import BaseModel, ValidationError

from connector.store.base import BatchItem, BatchRecord

log = logging.getLogger(__name__)


class LegacyBatch(BaseModel):
    """The old ``batch:<id>`` value."""

    id: str
    api_key_id: str
    created_at: float
    callback_url: str | None = None
    cancelled_at: float | None = None
    items: list[tuple[str, str, str, bool]]

    def converted(self) -> tuple[BatchRecord, list[BatchItem]]:
        """The batch and its items in today's model."""
        record = BatchRecord(
            id=self.id,
            api_key_id=self.api_key_id,
            created_at=self.created_at,
            callback_url=self.callback_url,
            cancelled_at=self.cancelled_at,
        )
        items = [
            BatchItem(index=n, name=name, key=key, job_id=job_id, reused=reused)
            for n, (name, key, job_id, reused) in enumerate(self.items)
        ]
        return record, items


def parse_batch(batch_id: str, raw: str) -> tuple[BatchRecord, list[BatchItem]] | None:
    """Convert an old ``batch:<id>`` value; None (and a warning) if it is not one for ``batch_id``."""
    try:
        old = LegacyBatch.model_validate_json(raw)
    except ValidationError:
        log.warning("the old-format value of batch %s is unreadable; it is left in place", batch_id)
        return None
    if old.id != batch_id:
        log.warning("the old-format value of batch %s names another batch; it is left in place", batch_id)
        return None
    return old.converted()
