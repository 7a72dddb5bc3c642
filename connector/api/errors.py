"""Our answers' errors: ``{"error": {"code", "message", "details"}}``, from one place.

`ApiError` is raised by views for what they check themselves. Everything the services raise is
translated here and nowhere else: `DOMAIN_ERRORS` is the one table from a domain exception
(submits, saved trackers, callback URLs, the store) to its answer, `from_symbl` maps Symbl's
errors. `register(app)` installs the handlers that turn these, HTTP errors (404/405/413) and
anything unexpected into that JSON shape. An unexpected exception is logged with a request ID
and answered 500 without internals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from werkzeug.exceptions import HTTPException

from connector.jobs.finish import MAX_EXTRA_CALLBACKS
from connector.jobs.submit import (
    IdempotencyConflict,
    IdempotencyInProgress,
    RecordFailed,
    SymblBusy,
    TooManyCallbacks,
    UnknownConversation,
)
from connector.jobs.urlguard import UrlNotAllowed
from connector.store.base import StoreUnavailable
from connector.symbl.errors import (
    SymblAuthError,
    SymblBadRequest,
    SymblError,
    SymblNotFound,
    SymblRateLimited,
    SymblUnavailable,
)
from connector.symbl.nebula import NebulaNotConfigured
from connector.trackers.lock import ManagementBusy
from connector.trackers.service import TrackerExists, TrackerNotFound, UnknownTrackers
from connector.trackers.validation import TrackerTooLarge

log = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    """What went wrong."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="A stable machine code, e.g. invalid_request.")
    message: str = Field(description="A sentence a person can act on.")
    details: Any = Field(None, description="Field errors, or the IDs known so far.")


class ErrorResponse(BaseModel):
    """Every error answer."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorBody


class ApiError(Exception):
    """An error answer. Raise it from views."""

    def __init__(
        self, status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}


def error_response(error: ApiError) -> Response:
    response = jsonify({"error": {"code": error.code, "message": error.message, "details": error.details}})
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def field_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Pydantic errors as ``[{field, message}]`` (no input values echoed back)."""
    out = []
    for err in exc.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in err.get("loc", ()) if part != "__root__") or "body"
        message = err.get("msg", "invalid value").removeprefix("Value error, ")
        out.append({"field": field, "message": message})
    return out


def invalid_request(exc: ValidationError, where: str = "request") -> ApiError:
    details = field_errors(exc)
    first = details[0] if details else {"field": where, "message": "invalid"}
    return ApiError(400, "invalid_request", f"Invalid {first['field']}: {first['message']}.", details)


def from_symbl(exc: SymblError, ids: dict[str, str] | None = None) -> ApiError:
    """Translate an upstream error into our answer, with the IDs known so far."""
    details = {k: v for k, v in (ids or {}).items() if v} or None
    if isinstance(exc, SymblRateLimited):
        return ApiError(429, "symbl_rate_limited", exc.message, details, {"Retry-After": "30"})
    if isinstance(exc, SymblUnavailable):
        return ApiError(503, "symbl_unavailable", exc.message, details, {"Retry-After": "10"})
    if isinstance(exc, SymblAuthError):
        return ApiError(
            502,
            "symbl_auth_failed",
            "Symbl rejected the facade's credentials: check SYMBL_APP_ID / SYMBL_APP_SECRET "
            "(or the X-Symbl-App-Id / X-Symbl-App-Secret headers).",
            details,
        )
    if isinstance(exc, SymblNotFound):
        return ApiError(404, "not_found", exc.message, details)
    if isinstance(exc, SymblBadRequest):  # Symbl refused what the caller sent: say what it said
        return ApiError(400, "symbl_rejected", exc.message, details)
    return ApiError(502, exc.code, exc.message, details)


_NOT_FOUND: dict[str, tuple[str, str]] = {
    "conversation": ("conversation_not_found", "There is no conversation with this ID for your key."),
    "job": ("job_not_found", "No job with this ID was submitted with your key."),
    "batch": ("batch_not_found", "No batch with this ID was created with your key."),
    "hook": ("hook_not_found", "No subscription with this ID exists for your key."),
    "tracker": ("tracker_not_found", "There is no saved tracker with this ID for your key."),
}


def not_found(kind: str) -> ApiError:
    """The one 404 of ``kind``: unknown, malformed and another key's IDs all get exactly this
    (the ID patterns are in `ids.py`)."""
    code, message = _NOT_FOUND[kind]
    return ApiError(404, code, message)


NEBULA_NOT_CONFIGURED = "Asking about a conversation needs Nebula, Symbl's LLM: set NEBULA_API_KEY on the facade."
BUSY_RETRY_AFTER = {"Retry-After": "10"}


def _tracker_exists(exc: TrackerExists) -> ApiError:
    which = f"named {exc.name!r} " if exc.name else "with this name "
    return ApiError(
        409,
        "tracker_exists",
        f"You already have a tracker {which}(names are case-sensitive); "
        "choose another name, or update it with PUT /v1/trackers/{id} or PUT /v1/trackers.",
    )


def _tracker_too_large(exc: TrackerTooLarge) -> ApiError:
    if exc.by_symbl:
        return ApiError(
            413,
            "payload_too_large",
            "Symbl refuses tracker bodies over 1 MB; use fewer or shorter phrases, or send the trackers "
            "in several requests.",
        )
    return ApiError(
        413,
        "payload_too_large",
        "These trackers make a body over Symbl's 1 MB limit; use fewer or shorter phrases, or send "
        "them in several requests.",
    )


def _unknown_trackers(exc: UnknownTrackers) -> ApiError:
    names = ", ".join(repr(n) for n in exc.names)
    return ApiError(
        400,
        "invalid_request",
        f"No saved tracker is named {names} (names are case-sensitive); see GET /v1/trackers.",
        [{"field": "tracker_names", "message": f"unknown tracker {n!r}"} for n in exc.names],
    )


DOMAIN_ERRORS: dict[type[Exception], Callable[[Any], ApiError]] = {
    IdempotencyConflict: lambda exc: ApiError(
        409, "idempotency_conflict", "This Idempotency-Key was already used with a different request; use a new key."
    ),
    TooManyCallbacks: lambda exc: ApiError(
        409,
        "too_many_callbacks",
        f"Repeats of this Idempotency-Key already added {MAX_EXTRA_CALLBACKS} other callback_urls to the "
        "submission; repeat it with one of those, or without a callback_url.",
    ),
    IdempotencyInProgress: lambda exc: ApiError(
        409,
        "idempotency_in_progress",
        "A request with this Idempotency-Key is still being processed; retry in a few seconds.",
        headers={"Retry-After": "2"},
    ),
    RecordFailed: lambda exc: ApiError(
        503,
        "store_unavailable",
        "Symbl accepted the job but the facade could not record it; keep these IDs and poll GET /v1/jobs/{job_id} later.",
        {"conversation_id": exc.conversation_id, "job_id": exc.job_id},
        {"Retry-After": "5"},
    ),
    SymblBusy: lambda exc: ApiError(
        503,
        "symbl_busy",
        "Every concurrent Symbl job of this account is in use and a file upload cannot be queued; retry after a few "
        "seconds, or submit a recording URL (which waits in the queue).",
        headers=BUSY_RETRY_AFTER,
    ),
    ManagementBusy: lambda exc: ApiError(
        503,
        "symbl_busy",
        "Other tracker changes for this Symbl account are still running; try again in a few seconds.",
        headers=BUSY_RETRY_AFTER,
    ),
    UnknownConversation: lambda exc: not_found("conversation"),
    TrackerExists: _tracker_exists,
    TrackerNotFound: lambda exc: not_found("tracker"),
    TrackerTooLarge: _tracker_too_large,
    UnknownTrackers: _unknown_trackers,
    UrlNotAllowed: lambda exc: ApiError(
        400, "callback_url_not_allowed", str(exc), [{"field": exc.field, "message": str(exc)}]
    ),
    NebulaNotConfigured: lambda exc: ApiError(400, "nebula_not_configured", NEBULA_NOT_CONFIGURED),
    StoreUnavailable: lambda exc: ApiError(
        503, "store_unavailable", "The facade's store is unavailable; try again shortly.", headers={"Retry-After": "5"}
    ),
}
"""Every domain exception a view may let through, and its answer (looked up along the exception's MRO)."""


def translate(exc: Exception) -> ApiError | None:
    """The answer for a domain exception, or None when the table has none."""
    for cls in type(exc).__mro__:
        rule = DOMAIN_ERRORS.get(cls)
        if rule is not None:
            return rule(exc)
    return None


_HTTP_CODES = {
    400: ("invalid_request", "The request is malformed."),
    404: ("not_found", "There is no such endpoint; see /openapi.json for the API."),
    405: ("method_not_allowed", "This endpoint does not accept that HTTP method; see /openapi.json."),
    413: ("payload_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Unsupported Content-Type."),
    429: ("rate_limited", "Too many requests for this API key; wait for Retry-After seconds and try again."),
}


def register(app: Flask) -> None:
    """Install the JSON error handlers on ``app``."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc)

    @app.errorhandler(SymblError)
    def _symbl_error(exc: SymblError) -> Response:
        return error_response(from_symbl(exc))

    def _domain(exc: Exception) -> Response:
        answer = translate(exc)
        if answer is None:  # not reached: registered only for the table's classes
            raise exc
        return error_response(answer)

    for domain_error in DOMAIN_ERRORS:
        app.register_error_handler(domain_error, _domain)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        code, message = _HTTP_CODES.get(status, ("http_error", exc.description or "HTTP error."))
        keep = {k: v for k, v in exc.get_headers() if k.lower() in ("allow", "retry-after")}
        return error_response(ApiError(status, code, message, headers=keep))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error")
        return error_response(
            ApiError(500, "internal_error", "The facade hit an unexpected error; it has been logged.")
        )
