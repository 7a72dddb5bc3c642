"""Symbl's Management API for trackers (docs/symbl-api-notes.md, Management API), under ``/v1/manage``.

Every call holds the account's single management slot for ``management_latency_seconds`` (so
concurrent calls really overlap) and a second call of the same appId meanwhile answers 429.
Bodies over 1 MB answer 413; names are unique per account (409); vocabularies must not repeat a
phrase and may use only ``.``, ``'`` and ``-`` as punctuation (400, Joi-style messages).
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request

from connector.sandbox.errors import SymblError, bad_request
from connector.sandbox.state import SandboxState

bp = Blueprint("sandbox_manage", __name__, url_prefix="/v1/manage")

MAX_BODY_BYTES = 1024 * 1024
ALLOWED_PUNCTUATION = ".'-"
BUSY_MESSAGE = (
    "The Management API allows 1 concurrent call per account; wait for the running call to finish "
    "before sending another."
)


def _state() -> SandboxState:
    return current_app.extensions["sandbox"]


def managed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Apply the body limit and the one-concurrent-call rule around a management route."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            raise SymblError(413, "request entity too large")
        state = _state()
        if not state.saved_trackers.enter(g.app_id):
            raise SymblError(429, BUSY_MESSAGE, statusCode=429)
        try:
            latency = state.config.management_latency_seconds
            if latency > 0:
                time.sleep(latency)
            return view(*args, **kwargs)
        finally:
            state.saved_trackers.leave(g.app_id)

    return wrapper


def _body() -> Any:
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise SymblError(413, "request entity too large")
    try:
        return json.loads(raw or b"null")
    except ValueError:
        raise bad_request("Unexpected token in JSON body: the request body is not valid JSON") from None


def forbidden_characters(phrase: str) -> list[str]:
    """The characters of ``phrase`` that are neither letters, digits, spaces nor . ' -"""
    return sorted({c for c in phrase if not (c.isalnum() or c.isspace() or c in ALLOWED_PUNCTUATION)})


def _spec(value: Any, where: str = "") -> dict[str, Any]:
    """Validate one ``{name, vocabulary}`` (``id`` tolerated) the way Symbl's Joi schema would."""
    if not isinstance(value, dict):
        raise bad_request(f'"{where or "value"}" must be of type object')
    prefix = f"{where}." if where else ""
    unknown = set(value) - {"id", "name", "vocabulary"}
    if unknown:
        raise bad_request(f'"{prefix}{sorted(unknown)[0]}" is not allowed')
    name = value.get("name")
    if name is None:
        raise bad_request(f'"{prefix}name" is required')
    if not isinstance(name, str):
        raise bad_request(f'"{prefix}name" must be a string')
    if not name.strip():
        raise bad_request(f'"{prefix}name" is not allowed to be empty')
    vocabulary = value.get("vocabulary")
    if vocabulary is None:
        raise bad_request(f'"{prefix}vocabulary" is required')
    if not isinstance(vocabulary, list):
        raise bad_request(f'"{prefix}vocabulary" must be an array')
    if not vocabulary:
        raise bad_request(f'"{prefix}vocabulary" must contain at least 1 items')
    seen: set[str] = set()
    for index, phrase in enumerate(vocabulary):
        field = f"{prefix}vocabulary[{index}]"
        if not isinstance(phrase, str):
            raise bad_request(f'"{field}" must be a string')
        if not phrase.strip():
            raise bad_request(f'"{field}" is not allowed to be empty')
        bad = forbidden_characters(phrase)
        if bad:
            raise bad_request(
                f'"{field}" contains punctuation that is not allowed ({" ".join(bad)}); only . \' and - may be used'
            )
        if phrase in seen:
            raise bad_request(f'"{field}" contains a duplicate value')
        seen.add(phrase)
    return {"name": name, "vocabulary": vocabulary}


@bp.post("/tracker")
@managed
def create_one():
    """Create one tracker."""
    created = _state().saved_trackers.create(g.app_id, [_spec(_body())])
    return jsonify({"tracker": created[0]}), 201


@bp.post("/trackers")
@managed
def create_many():
    """Create several trackers (all or none)."""
    body = _body()
    if not isinstance(body, list):
        raise bad_request('"value" must be an array')
    if not body:
        raise bad_request('"value" must contain at least 1 items')
    specs = [_spec(item, f"[{index}]") for index, item in enumerate(body)]
    return jsonify({"trackers": _state().saved_trackers.create(g.app_id, specs)}), 201


@bp.get("/trackers")
@managed
def list_trackers():
    """List the account's trackers, or find them by exact ``name``."""
    return jsonify({"trackers": _state().saved_trackers.all(g.app_id, request.args.get("name"))})


@bp.get("/tracker/<tracker_id>")
@managed
def get_tracker(tracker_id: str):
    return jsonify({"tracker": _state().saved_trackers.get(g.app_id, tracker_id)})


@bp.put("/tracker/<tracker_id>")
@managed
def update_tracker(tracker_id: str):
    """Replace a tracker's name and vocabulary (body ``{id, name, vocabulary}``)."""
    body = _body()
    spec = _spec(body)
    if isinstance(body, dict) and body.get("id") not in (None, tracker_id):
        raise bad_request('"id" must match the trackerId in the path')
    return jsonify({"tracker": _state().saved_trackers.update(g.app_id, tracker_id, spec)})


@bp.delete("/tracker/<tracker_id>")
@managed
def delete_tracker(tracker_id: str):
    _state().saved_trackers.delete(g.app_id, tracker_id)
    return jsonify({"id": tracker_id, "type": "tracker", "deleted": True})
