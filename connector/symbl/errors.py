"""Errors from Symbl, in the upstream client's vocabulary.

    SymblError                 any failed Symbl call (status, code, message; never a token)
    ├── SymblAuthError         401 after the one refresh, or bad app credentials (symbl_auth_failed)
    ├── SymblNotFound          404 (not_found)
    ├── SymblRateLimited       429 after retries (symbl_rate_limited)
    ├── SymblUnavailable       5xx, connection reset, timeout, after retries (symbl_unavailable)
    └── SymblBadRequest        any other 4xx (symbl_error)

The API layer turns these into its own `ApiError`s; routes never see `requests` exceptions.
"""

from __future__ import annotations


class SymblError(Exception):
    """A Symbl call failed. ``message`` is safe to show: it never contains a token or secret."""

    code = "symbl_error"

    def __init__(self, message: str, *, status: int | None = None, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.path = path


class SymblAuthError(SymblError):
    code = "symbl_auth_failed"


class SymblNotFound(SymblError):
    code = "not_found"


class SymblRateLimited(SymblError):
    code = "symbl_rate_limited"


class SymblUnavailable(SymblError):
    code = "symbl_unavailable"


class SymblBadRequest(SymblError):
    code = "symbl_error"
