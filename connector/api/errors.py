"""Our answers' errors: ``{"error": {"code", "message", "details"}}``, from one place.

`ApiError` is raised by views; `register(app)` installs the handlers that turn it, Symbl's
errors, store outages, HTTP errors (404/405/413) and anything unexpected into that JSON shape.
An unexpected exception is logged with a request ID and answered 500 without internals."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from werkzeug.exceptions import HTTPException

from connector.store.base import StoreUnavailable
from connector.symbl.errors import (
    SymblAuthError,
    SymblBadRequest,
    SymblError,
    SymblNotFound,
    SymblRateLimited,
    SymblUnavailable,
)

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
            502, "symbl_auth_failed",
            "Symbl rejected the facade's credentials: check SYMBL_APP_ID / SYMBL_APP_SECRET "
            "(or the X-Symbl-App-Id / X-Symbl-App-Secret headers).", details,
        )
    if isinstance(exc, SymblNotFound):
        return ApiError(404, "not_found", exc.message, details)
    if isinstance(exc, SymblBadRequest):  # Symbl refused what the caller sent: say what it said
        return ApiError(400, "symbl_rejected", exc.message, details)
    return ApiError(502, exc.code, exc.message, details)


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

    @app.errorhandler(StoreUnavailable)
    def _store_down(exc: StoreUnavailable) -> Response:
        return error_response(
            ApiError(503, "store_unavailable", "The facade's store is unavailable; try again shortly.",
                     headers={"Retry-After": "5"})
        )

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        code, message = _HTTP_CODES.get(status, ("http_error", exc.description or "HTTP error."))
        keep = {k: v for k, v in exc.get_headers() if k.lower() in ("allow", "retry-after")}
        return error_response(ApiError(status, code, message, headers=keep))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error")
        return error_response(ApiError(500, "internal_error", "The facade hit an unexpected error; it has been logged."))
