"""Every key of the store's expiring values (`KeyValues`), in one registry.

A key is ``<kind>:<id>``; the kind says who owns it. Secret values (Symbl tokens, callers' own
credentials, the webhook path secret) are sealed by `sealed.SealedStore`, which recognises them
by `SEALED`. Changing a name here changes it in every worker and instance: deploy such a change
to all at once (old keys simply expire)."""

from __future__ import annotations

import hashlib

WEBHOOK_SECRET = "symbl-webhook-secret"
"""The generated path secret of the Symbl webhook receiver (sealed)."""
WEBHOOK_SEEN = "webhook-seen"
"""Set while Symbl's webhooks arrive (polls back off further)."""


def token(credential_id: str) -> str:
    """The cached Symbl token of a credential (sealed)."""
    return f"token:{credential_id}"


def token_lock(credential_id: str) -> str:
    """The lease of the one process refreshing a credential's token."""
    return f"token-lock:{credential_id}"


def token_reuses(credential_id: str) -> str:
    """Remembers that Symbl answers a repeat generate with the same token."""
    return f"token-reuses:{credential_id}"


def credential(credential_id: str) -> str:
    """A caller's own Symbl credential (sealed)."""
    return f"cred:{credential_id}"


def idempotency(api_key_id: str, idempotency_key: str) -> str:
    """The state of one Idempotency-Key of an API key."""
    return f"idem:{api_key_id}:{hashlib.sha256(idempotency_key.encode()).hexdigest()}"


def extra_callback(job_id: str, n: int) -> str:
    """The ``n``-th extra callback URL of a job, added by an Idempotency-Key repeat."""
    return f"extra-callback:{job_id}:{n}"


def poll(job_id: str) -> str:
    """The lease of the one process polling a job."""
    return f"poll:{job_id}"


def observed(job_id: str) -> str:
    """A terminal status seen on Symbl while the job is being finished."""
    return f"observed:{job_id}"


def outbox(event_id: str) -> str:
    """The lease of the one process attempting a delivery."""
    return f"outbox:{event_id}"


def dispatch(queued_id: str) -> str:
    """The claim of the one process sending a queued item (or ``cancel``)."""
    return f"dispatch:{queued_id}"


def slots(credential_id: str) -> str:
    """A credential's concurrency slot reservations."""
    return f"slots:{credential_id}"


def slots_lock(credential_id: str) -> str:
    """The short lock around a credential's slot count."""
    return f"slots-lock:{credential_id}"


def item_key(api_key_id: str, key: str) -> str:
    """The submission that processed a batch item key of an API key."""
    return f"item-key:{api_key_id}:{hashlib.sha256(key.encode()).hexdigest()}"


def tracker_lock(app_id: str) -> str:
    """The lease of the one Management API call of a Symbl account (by app ID, hashed)."""
    return f"symbl-manage-lock:{hashlib.sha256(app_id.encode()).hexdigest()[:16]}"


def tracker_owner(app_id: str, tracker_id: str) -> str:
    """The API key that owns a saved tracker of a Symbl account (by app ID, hashed)."""
    return f"tracker-owner:{hashlib.sha256(app_id.encode()).hexdigest()[:16]}:{tracker_id}"


def callscore(conversation_id: str, job_id: str) -> str:
    """A conversation's Call Score, once read."""
    return f"callscore:{conversation_id}:{job_id}"


def callscore_poll(conversation_id: str) -> str:
    """The lease of the one process reading a Call Score."""
    return f"callscore-poll:{conversation_id}"


def summary_url(conversation_id: str) -> str:
    """A conversation's summary page URL, once created."""
    return f"summary-url:{conversation_id}"


def summary_lock(conversation_id: str) -> str:
    """The lease of the one process creating a summary page."""
    return f"summary-page-lock:{conversation_id}"


def answers(conversation_id: str, job_id: str, request: str) -> str:
    """Nebula's answers to one question or set of fields about a conversation."""
    return f"answers:{conversation_id}:{job_id}:{hashlib.sha256(request.encode()).hexdigest()[:32]}"


def legacy_batch(batch_id: str) -> str:
    """A batch as written before batches were a stored entity; only read to move it (`legacy.py`)."""
    return f"batch:{batch_id}"


SEALED: tuple[str, ...] = (token(""), credential(""), WEBHOOK_SECRET)
"""Key prefixes whose values are encrypted at rest."""
