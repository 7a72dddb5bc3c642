"""Register the blueprints, the API-key check, the per-key rate limit, request IDs, metrics,
security headers and the validation-error answer."""

from __future__ import annotations

import io
import math
import re
import time
import uuid

from flask import Response, current_app, g, request
from flask_limiter import Limiter
from flask_openapi3 import APIBlueprint, OpenAPI
from pydantic import ValidationError

from connector.api import ask, batches, conversations, hooks, jobs, ops, symbl_webhook, trackers
from connector.api.auth import authenticate
from connector.api.batches import BODY_FACTOR
from connector.api.errors import ApiError, error_response, invalid_request
from connector.api.fairness import EXTENSION as WAITS_EXTENSION
from connector.api.fairness import WaitShare, release_wait
from connector.api.ids import PATH_MODELS, not_found
from connector.api.inputs import SafeJSONProvider, drain, too_large
from connector.api.ratelimit import AuthFailureLimit, storage_uri
from connector.facade import facade
from connector.keys import key_hash, key_id_of
from connector.logs import request_id
from connector.metrics import LATENCY, REQUESTS

AUTHENTICATED: tuple[APIBlueprint, ...] = (
    conversations.bp,
    ask.bp,
    jobs.bp,
    hooks.bp,
    trackers.bp,
    batches.bp,
    ops.v1,
)
UNMATCHED = "<unmatched>"  # the one metrics label of every path that matches no route (never the raw path)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def validation_error(exc: ValidationError) -> Response:
    """flask-openapi3's hook for invalid path/query/body: our 400 invalid_request, except a
    malformed path ID, which answers its kind's not-found 404 (the same body as an unknown ID)."""
    kind = PATH_MODELS.get(exc.title)
    return error_response(not_found(kind) if kind else invalid_request(exc))


def _require_key() -> None:
    the = facade()
    failures: AuthFailureLimit = current_app.extensions["connector-auth-failures"]
    failures.check()
    try:
        authenticate(the.key_hashes, the.default_credential)
    except ApiError as exc:
        if exc.status == 401:
            failures.failed()
        raise


for _bp in AUTHENTICATED:  # once, at import: blueprints are module-level and reused by every app
    _bp.before_request(_require_key)


def rate_limit_key() -> str:
    """Limit per presented API key (hashed), so one noisy Zap cannot starve the others."""
    header = request.headers.get("Authorization", "")
    return key_id_of(key_hash(header.partition(" ")[2].strip())) if header else (request.remote_addr or "anonymous")


def register(app: OpenAPI) -> None:
    safe = SafeJSONProvider(app)
    vars(safe).update(vars(app.json))  # keep the settings made on the app's provider (sort_keys ...)
    app.json = safe

    @app.before_request
    def _start() -> None:
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        g.request_token = request_id.set(g.request_id)
        g.started = time.perf_counter()

    @app.before_request
    def _bounded_json() -> None:
        """A JSON body longer than its endpoint takes is refused before anything parses it (a
        batch may be BODY_FACTOR times CONNECTOR_MAX_BODY_BYTES); a chunked one when it gets there."""
        mimetype = request.mimetype or ""
        if not (mimetype == "application/json" or mimetype.endswith("+json")):
            return
        limit = app.extensions["connector"].settings.max_body_bytes
        if request.endpoint == "batches.create_batch":
            limit *= BODY_FACTOR
        if (request.content_length or 0) > limit:
            raise too_large(limit)
        if request.content_length is None and request.environ.get("wsgi.input_terminated"):
            # Chunked: read it now, at most limit + 1 bytes (werkzeug's capped stream stops there
            # quietly), and hand the views the bytes read.
            request.max_content_length = limit + 1
            data = request.stream.read()
            if len(data) > limit:
                raise too_large(limit)
            request.__dict__["stream"] = io.BytesIO(data)

    @app.after_request
    def _drain(response: Response) -> Response:
        """Read what the client is still sending before an error goes out (see inputs.drain)."""
        if response.status_code >= 400 and not drain(request):
            response.headers["Connection"] = "close"
        return response

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if not request.path.startswith("/docs"):
            response.headers.setdefault("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        endpoint = request.url_rule.rule if request.url_rule else UNMATCHED
        REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
        if "started" in g:
            LATENCY.labels(endpoint).observe(time.perf_counter() - g.started)
        return response

    @app.teardown_request
    def _clear(_: BaseException | None) -> None:
        release_wait()
        token = g.pop("request_token", None)
        if token is not None:
            request_id.reset(token)

    settings = app.extensions["connector"].settings
    # flask-limiter's own headers would overwrite every Retry-After we set (202: 5 s, symbl_busy,
    # symbl_rate_limited) with its window's reset, and add Retry-After to 200s: we set them ourselves.
    limiter = Limiter(
        rate_limit_key,
        app=app,
        storage_uri=storage_uri(settings.store_url),
        headers_enabled=False,
        default_limits=[],
        swallow_errors=True,
    )
    app.extensions["connector-auth-failures"] = AuthFailureLimit(settings.store_url, settings.auth_failure_limit)
    app.extensions[WAITS_EXTENSION] = WaitShare(settings.waits_per_key_per_worker)

    @app.after_request
    def _rate_limit_headers(response: Response) -> Response:
        """X-RateLimit-* on every limited answer; Retry-After on the limiter's own 429 only."""
        current = limiter.current_limit
        if current is None:
            return response
        response.headers["X-RateLimit-Limit"] = str(current.limit.amount)
        response.headers["X-RateLimit-Remaining"] = str(current.remaining)
        response.headers["X-RateLimit-Reset"] = str(int(current.reset_at))
        if current.breached and response.status_code == 429:
            response.headers["Retry-After"] = str(max(1, math.ceil(current.reset_at - time.time())))
        return response

    for bp in AUTHENTICATED:
        limiter.limit(settings.rate_limit)(bp)
        app.register_api(bp)
    app.register_api(ops.public)
    app.register_api(symbl_webhook.bp)
