"""The shape of every ID a path may carry, and the one not-found answer of each kind.

An ID is checked against its pattern before anything else: one that does not match answers the
same 404 body as an ID that does not exist or belongs to another key, so a caller cannot tell
the three apart, and no URL metacharacter (``#``, ``?``, ``/``, ``%``) ever reaches a store lookup
or a Symbl URL. Patterns follow how the IDs are made:

- conversation: Symbl's 16-digit number (hex digits and ``-`` tolerated for other deployments);
- job: Symbl's UUID, or the facade's ``queued-<uuid>`` while the job waits in the queue;
- batch: ``batch-<uuid>``; hook: ``hook_<hex>``; tracker: Symbl's tracker ID (letters, digits, ``_-``).
"""

from __future__ import annotations

from connector.api.errors import not_found

__all__ = ["BATCH_ID", "CONVERSATION_ID", "HOOK_ID", "JOB_ID", "PATH_MODELS", "TRACKER_ID", "not_found"]

CONVERSATION_ID = r"^[0-9A-Fa-f-]{1,64}$"
JOB_ID = r"^(queued-)?[0-9A-Fa-f-]{1,64}$"
BATCH_ID = r"^batch-[0-9A-Fa-f-]{1,64}$"
HOOK_ID = r"^hook_[0-9A-Fa-f]{1,64}$"
TRACKER_ID = r"^[A-Za-z0-9_-]{1,64}$"

# flask-openapi3 names a path's validation error after its model: which kind of ID it carries.
PATH_MODELS: dict[str, str] = {
    "ConversationPath": "conversation",
    "JobPath": "job",
    "BatchPath": "batch",
    "HookPath": "hook",
    "TrackerPath": "tracker",
}
