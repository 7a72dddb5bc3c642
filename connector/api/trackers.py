"""Saved trackers: list, get, create (one or many), update, delete, and a declarative sync.

Each API key sees and changes only its own trackers; admin keys (CONNECTOR_ADMIN_KEYS) the
account-wide ones (`trackers/tenancy.py`). Bodies are read here (bounded by
CONNECTOR_MAX_BODY_BYTES) and validated by `trackers/validation.py`, so every bad tracker answers
400 `invalid_tracker` with field details.
The service's errors (a taken name, a body over 1 MB, an unknown or another key's ID, a busy
account) are answered from the one table in `api/errors.py`; every Symbl management call is
serialised per account by `trackers/service.py`, so Symbl's one-call limit never reaches the
caller as a 429."""

from __future__ import annotations

import hmac
from typing import Any

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field, RootModel, TypeAdapter, ValidationError

from connector.api.auth import Caller, current_caller
from connector.api.errors import ApiError, ErrorResponse
from connector.api.ids import TRACKER_ID
from connector.api.inputs import read_json
from connector.api.models import Strict
from connector.facade import facade
from connector.jobs.options import ConversationInput
from connector.keys import key_hash
from connector.trackers.service import SyncResult, TrackerService
from connector.trackers.tenancy import Tenant, reserved
from connector.trackers.validation import MAX_TRACKERS, TrackerIn, duplicate_names

bp = APIBlueprint(
    "trackers",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="trackers")],
    abp_security=[{"bearer": []}],
    abp_responses={
        "400": ErrorResponse,
        "401": ErrorResponse,
        "413": ErrorResponse,
        "502": ErrorResponse,
        "503": ErrorResponse,
    },
)


# -- models (also the OpenAPI document) -----------------------------------------------------------
class TrackerPath(Strict):
    tracker_id: str = Field(pattern=TRACKER_ID)


class TrackerQuery(Strict):
    name: str | None = Field(
        None, max_length=100, description="Only the tracker with this exact name (case-sensitive)."
    )


class TrackerOut(Strict):
    """A saved tracker."""

    id: str = Field(description="Symbl's tracker ID.")
    name: str
    vocabulary: list[str]


class TrackerList(Strict):
    trackers: list[TrackerOut]


class TrackersCreated(RootModel[TrackerOut | TrackerList]):
    """The created tracker (one sent) or ``{"trackers": [...]}`` (a list sent)."""


class TrackerDeleted(Strict):
    id: str
    deleted: bool = True


class SyncRequest(Strict):
    """The whole desired set of saved trackers."""

    trackers: list[TrackerIn] = Field(max_length=MAX_TRACKERS)
    delete_missing: bool = Field(False, description="Also delete saved trackers whose name is not in `trackers`.")
    dry_run: bool = Field(False, description="Answer what would change, change nothing.")


class SyncItem(Strict):
    id: str | None = Field(description="Symbl's tracker ID (null for a tracker a dry run would create).")
    name: str
    vocabulary: list[str]


class SyncOut(Strict):
    """What a sync changed (or would change, in a dry run)."""

    changed: bool
    dry_run: bool
    summary: str = Field(examples=["1 created, 1 updated, 0 deleted, 3 unchanged"])
    created: list[SyncItem]
    updated: list[SyncItem]
    deleted: list[SyncItem]
    unchanged: list[SyncItem]


def _inline(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON schema with its $defs inlined (for hand-written request bodies)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


def _body_doc(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


# -- helpers ----------------------------------------------------------------------------------------
def service() -> TrackerService:
    """The app's tracker service (one per app, so its in-process lock is shared by every request)."""
    return facade().trackers


def is_admin() -> bool:
    """True when the caller's key is one of CONNECTOR_ADMIN_KEYS (compared as hashes, in constant time)."""
    presented = key_hash(request.headers.get("Authorization", "").partition(" ")[2].strip())
    matched = False
    for candidate in facade().admin_hashes:
        matched |= hmac.compare_digest(presented, candidate)
    return matched


def tenant() -> Tenant:
    """Whose trackers this call acts on: the caller's key's own, or the account-wide ones for an admin key."""
    return Tenant(None if is_admin() else current_caller().key_id)


def check_names(who: Tenant, trackers: list[TrackerIn], prefix: str = "") -> None:
    """An admin key may not use a name in a key's namespace (``key_<12 hex>/...``): 400 invalid_tracker."""
    if who.key_id is None:
        problems = [
            {
                "field": f"{prefix}[{i}].name" if prefix else "name",
                "message": "names starting with key_<12 hex digits>/ are reserved for the keys' own trackers",
            }
            for i, t in enumerate(trackers)
            if reserved(t.name)
        ]
        if problems:
            raise invalid_tracker(problems)


def read_body() -> Any:
    """The JSON body, bounded by CONNECTOR_MAX_BODY_BYTES."""
    return read_json(request, facade().settings.max_body_bytes)


def _field(loc: tuple[Any, ...], prefix: str) -> str:
    out = prefix
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def invalid_tracker(details: list[dict[str, str]]) -> ApiError:
    first = details[0]
    return ApiError(400, "invalid_tracker", f"Invalid {first['field']}: {first['message']}.", details)


def validated(adapter: TypeAdapter[Any], data: Any, prefix: str = "") -> Any:
    """Validate ``data``; a failure is 400 invalid_tracker with ``[{field, message}]``."""
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        details = [
            {
                "field": _field(tuple(e.get("loc", ())), prefix),
                "message": e.get("msg", "invalid value").removeprefix("Value error, "),
            }
            for e in exc.errors(include_url=False, include_input=False)
        ]
        raise invalid_tracker(details) from None


def _out(tracker: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(tracker.get("id")),
        "name": str(tracker.get("name", "")),
        "vocabulary": [str(p) for p in tracker.get("vocabulary") or []],
    }


_ONE = TypeAdapter(TrackerIn)
_MANY = TypeAdapter(list[TrackerIn])
_SYNC = TypeAdapter(SyncRequest)


# -- routes -------------------------------------------------------------------------------------------
@bp.get("/trackers", summary="List saved trackers", responses={200: TrackerList})
def list_trackers(query: TrackerQuery) -> Response:
    """The Symbl account's saved trackers (`?name=` finds one by its exact name)."""
    trackers = service().list_saved(current_caller().credential, tenant(), query.name)
    return jsonify({"trackers": [_out(t) for t in trackers]})


@bp.get("/trackers/<tracker_id>", summary="Get a saved tracker", responses={200: TrackerOut, 404: ErrorResponse})
def get_tracker(path: TrackerPath) -> Response:
    return jsonify(_out(service().get(current_caller().credential, tenant(), path.tracker_id)))


@bp.post(
    "/trackers",
    summary="Create saved trackers",
    responses={201: TrackersCreated, 409: ErrorResponse},
    openapi_extensions=_body_doc(
        {"oneOf": [_inline(TrackerIn), {"type": "array", "items": _inline(TrackerIn), "minItems": 1}]}
    ),
)
def create_trackers() -> Response:
    """Create one tracker (`{name, vocabulary}`, answered as the tracker) or several (a list, answered
    as `{"trackers": [...]}`; all or none)."""
    data = read_body()
    many = isinstance(data, list)
    if many:
        if not data:
            raise invalid_tracker([{"field": "body", "message": "send at least one tracker"}])
        trackers = validated(_MANY, data, "trackers")
        if problems := duplicate_names(trackers):
            raise invalid_tracker(problems)
    elif isinstance(data, dict):
        trackers = [validated(_ONE, data)]
    else:
        raise ApiError(400, "invalid_json", 'Send a tracker {"name", "vocabulary"} or a list of them.')
    who = tenant()
    check_names(who, trackers, "trackers" if many else "")
    created = service().create(current_caller().credential, who, trackers)
    response = jsonify({"trackers": [_out(t) for t in created]} if many else _out(created[0]))
    response.status_code = 201
    return response


@bp.put(
    "/trackers/<tracker_id>",
    summary="Update a saved tracker",
    responses={200: TrackerOut, 404: ErrorResponse, 409: ErrorResponse},
    openapi_extensions=_body_doc(_inline(TrackerIn)),
)
def update_tracker(path: TrackerPath) -> Response:
    """Replace the tracker's name and vocabulary."""
    data = read_body()
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", 'Send the tracker as {"name", "vocabulary"}.')
    data = {k: v for k, v in data.items() if not (k == "id" and v == path.tracker_id)}
    tracker = validated(_ONE, data)
    who = tenant()
    check_names(who, [tracker])
    updated = service().update(current_caller().credential, who, path.tracker_id, tracker)
    return jsonify(_out(updated))


@bp.delete(
    "/trackers/<tracker_id>", summary="Delete a saved tracker", responses={200: TrackerDeleted, 404: ErrorResponse}
)
def delete_tracker(path: TrackerPath) -> Response:
    service().delete(current_caller().credential, tenant(), path.tracker_id)
    return jsonify({"id": path.tracker_id, "deleted": True})


@bp.put(
    "/trackers",
    summary="Sync the saved trackers to a desired set",
    responses={200: SyncOut, 409: ErrorResponse},
    openapi_extensions=_body_doc(_inline(SyncRequest)),
)
def sync_trackers() -> Response:
    """Create the missing trackers, update those whose phrases differ (matched by name), and with
    `delete_missing` delete the rest. Running it again with the same set changes nothing."""
    data = read_body()
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", 'Send {"trackers": [{"name", "vocabulary"}], "delete_missing": false}.')
    wanted: SyncRequest = validated(_SYNC, data)
    if problems := duplicate_names(wanted.trackers):
        raise invalid_tracker(problems)
    who = tenant()
    check_names(who, wanted.trackers, "trackers")
    result: SyncResult = service().sync(
        current_caller().credential, who, wanted.trackers, delete_missing=wanted.delete_missing, dry_run=wanted.dry_run
    )

    def items(trackers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**_out(t), "id": None if t.get("id") is None else str(t["id"])} for t in trackers]

    counts = (len(result.created), len(result.updated), len(result.deleted), len(result.unchanged))
    return jsonify(
        {
            "changed": any(counts[:3]),
            "dry_run": wanted.dry_run,
            "summary": "{} created, {} updated, {} deleted, {} unchanged".format(*counts),
            "created": items(result.created),
            "updated": items(result.updated),
            "deleted": items(result.deleted),
            "unchanged": items(result.unchanged),
        }
    )


def apply_saved_trackers(parsed: ConversationInput, caller: Caller) -> ConversationInput:
    """A submit's ``tracker_names`` / ``enable_all_trackers`` resolved among the caller's own saved
    trackers (`TrackerService.apply`)."""
    if not parsed.tracker_names and not parsed.enable_all_trackers:
        return parsed
    return service().apply(parsed, caller.credential, tenant())
