"""Symbl's error vocabulary: every failure is ``{"message": ...}`` with the status Symbl uses."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

TOKEN_INVALID = "Token validation failed for provided token."
BAD_CREDENTIALS = "Combination of appId and appSecret is not valid."
CONVERSATION_NOT_FOUND = "The conversationId is either invalid or does not exist."
SERVER_MESSAGES = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


def concurrency_message(limit: int) -> str:
    """Return Symbl's 429 text for an account limited to ``limit`` concurrent jobs."""
    return (
        f"This API has a limit of maximum of `{limit}` number of concurrent jobs per account. If you are "
        "looking to scale, and need more concurrent jobs than this limit, please contact us at support@symbl.ai"
    )


class SymblError(Exception):
    """An error answered in Symbl's shape: ``{"message": ...}`` plus optional extra keys."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """Return the JSON body Symbl would send."""
        return {**self.extra, "message": self.message}


def too_many_jobs(limit: int) -> SymblError:
    """Return the 429 Symbl answers when the account's concurrent-job limit is reached (no Retry-After)."""
    return SymblError(429, concurrency_message(limit), statusCode=429)


def bad_request(message: str) -> SymblError:
    """Return a 400 with a Joi-style message, e.g. ``"messages" is required``."""
    return SymblError(400, message)


def status_error(status: int, limit: int = 50) -> SymblError:
    """Return the error Symbl sends for ``status`` (used by fault injection)."""
    if status == 401:
        return SymblError(401, TOKEN_INVALID)
    if status == 429:
        return too_many_jobs(limit)
    return SymblError(status, SERVER_MESSAGES.get(status, f"Request failed with status code {status}"))


def register_error_handlers(app: Flask) -> None:
    """Answer every error (ours and werkzeug's) with Symbl's ``{"message"}`` body."""

    @app.errorhandler(SymblError)
    def _symbl(error: SymblError):
        return jsonify(error.body()), error.status

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        return jsonify({"message": error.description or error.name}), error.code or 500

    @app.errorhandler(Exception)
    def _crash(error: Exception):
        app.logger.exception("sandbox crashed")
        return jsonify({"message": SERVER_MESSAGES[500]}), 500
