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

from connector.api.errors import ApiError

CONVERSATION_ID = r"^[0-9A-Fa-f-]{1,64}$"
JOB_ID = r"^(queued-)?[0-9A-Fa-f-]{1,64}$"
BATCH_ID = r"^batch-[0-9A-Fa-f-]{1,64}$"
HOOK_ID = r"^hook_[0-9A-Fa-f]{1,64}$"
TRACKER_ID = r"^[A-Za-z0-9_-]{1,64}$"

_NOT_FOUND: dict[str, tuple[str, str]] = {
    "conversation": ("conversation_not_found", "There is no conversation with this ID for your key."),
    "job": ("job_not_found", "No job with this ID was submitted with your key."),
    "batch": ("batch_not_found", "No batch with this ID was created with your key."),
    "hook": ("hook_not_found", "No subscription with this ID exists for your key."),
    "tracker": ("tracker_not_found", "There is no saved tracker with this ID for your key."),
}

# flask-openapi3 names a path's validation error after its model: which kind of ID it carries.
PATH_MODELS: dict[str, str] = {
    "ConversationPath": "conversation", "JobPath": "job", "BatchPath": "batch", "HookPath": "hook",
    "TrackerPath": "tracker",
}


def not_found(kind: str) -> ApiError:
    """The one 404 of ``kind``: unknown, malformed and another key's IDs all get exactly this."""
    code, message = _NOT_FOUND[kind]
    return ApiError(404, code, message)

