"""Register the blueprints, the API-key check, and the validation-error answer."""

from __future__ import annotations

from flask import Response, request
from flask_openapi3 import OpenAPI
from pydantic import ValidationError

from connector.api import conversations, hooks, jobs, ops, symbl_webhook
from connector.api.auth import authenticate
from connector.api.errors import error_response, invalid_request
from connector.app import facade

AUTHENTICATED = (conversations.bp, jobs.bp, hooks.bp, ops.v1)


def validation_error(exc: ValidationError) -> Response:
    """flask-openapi3's hook for invalid path/query/body: our 400 invalid_request."""
    return error_response(invalid_request(exc))


def _require_key() -> None:
    the = facade()
    authenticate(the.key_hashes, the.default_credential)


for _bp in AUTHENTICATED:  # once, at import: blueprints are module-level and reused by every app
    _bp.before_request(_require_key)


def register(app: OpenAPI) -> None:
    for bp in AUTHENTICATED:
        app.register_api(bp)
    app.register_api(ops.public)
    app.register_api(symbl_webhook.bp)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Cache-Control", "no-store")
        if not request.path.startswith("/docs"):
            response.headers.setdefault("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        return response
