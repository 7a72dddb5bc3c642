"""Saved trackers: list, get, create (one or many), update, delete, and a declarative sync.

Each API key sees and changes only its own trackers; admin keys (CONNECTOR_ADMIN_KEYS) the
account-wide ones (`trackers/tenancy.py`). Bodies are read here (bounded by
CONNECTOR_MAX_BODY_BYTES) and validated by `trackers/validation.py`, so every bad tracker answers
400 `invalid_tracker` with field details.
Symbl's 409 and 413 become `tracker_exists` and `payload_too_large`; every Symbl management
call is serialised per account by `trackers/service.py`, so Symbl's one-call limit never
reaches the caller as a 429."""

from __future__ import annotations

import hmac
from typing import Any

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, RootModel, TypeAdapter, ValidationError

from connector.api.auth import Caller, current_caller, key_hash
from connector.api.errors import ApiError, ErrorResponse, from_symbl
from connector.api.ids import TRACKER_ID, not_found
from connector.api.inputs import loads, too_large
from connector.app import facade
from connector.jobs.options import ConversationInput, TrackerSpec
from connector.symbl.errors import SymblError, SymblNotFound
from connector.trackers.lock import ManagementBusy
from connector.trackers.service import SyncResult, TrackerService, UnknownTrackers
from connector.trackers.tenancy import Tenant, reserved
from connector.trackers.validation import MAX_TRACKERS, TrackerIn, TrackerTooLarge, duplicate_names

bp = APIBlueprint(
    "trackers", __name__, url_prefix="/v1", abp_tags=[Tag(name="trackers")], abp_security=[{"bearer": []}],
    abp_responses={"400": ErrorResponse, "401": ErrorResponse, "413": ErrorResponse, "502": ErrorResponse,
                   "503": ErrorResponse},
)


# -- models (also the OpenAPI document) -----------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TrackerPath(_Strict):
    tracker_id: str = Field(pattern=TRACKER_ID)


class TrackerQuery(_Strict):
    name: str | None = Field(None, max_length=100, description="Only the tracker with this exact name (case-sensitive).")


class TrackerOut(_Strict):
    """A saved tracker."""

    id: str = Field(description="Symbl's tracker ID.")
    name: str
    vocabulary: list[str]


class TrackerList(_Strict):
    trackers: list[TrackerOut]


class TrackersCreated(RootModel[TrackerOut | TrackerList]):
    """The created tracker (one sent) or ``{"trackers": [...]}`` (a list sent)."""


class TrackerDeleted(_Strict):
    id: str
    deleted: bool = True


class SyncRequest(_Strict):
    """The whole desired set of saved trackers."""

    trackers: list[TrackerIn] = Field(max_length=MAX_TRACKERS)
    delete_missing: bool = Field(False, description="Also delete saved trackers whose name is not in `trackers`.")
    dry_run: bool = Field(False, description="Answer what would change, change nothing.")


class SyncItem(_Strict):
    id: str | None = Field(description="Symbl's tracker ID (null for a tracker a dry run would create).")
    name: str
    vocabulary: list[str]


class SyncOut(_Strict):
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
        problems = [{"field": f"{prefix}[{i}].name" if prefix else "name",
                     "message": "names starting with key_<12 hex digits>/ are reserved for the keys' own trackers"}
                    for i, t in enumerate(trackers) if reserved(t.name)]
        if problems:
            raise invalid_tracker(problems)


def read_body() -> Any:
    """The JSON body, bounded by CONNECTOR_MAX_BODY_BYTES."""
    limit = facade().settings.max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        raise too_large(limit)
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise too_large(limit)
    return loads(raw or b"null")


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
        details = [{"field": _field(tuple(e.get("loc", ())), prefix),
                    "message": e.get("msg", "invalid value").removeprefix("Value error, ")}
                   for e in exc.errors(include_url=False, include_input=False)]
        raise invalid_tracker(details) from None


def symbl_error(exc: SymblError, name: str | None = None) -> ApiError:
    """Symbl's management errors in our words."""
    if exc.status == 409:
        which = f"named {name!r} " if name else "with this name "
        return ApiError(409, "tracker_exists",
                        f"You already have a tracker {which}(names are case-sensitive); "
                        "choose another name, or update it with PUT /v1/trackers/{id} or PUT /v1/trackers.")
    if exc.status == 413:
        return ApiError(413, "payload_too_large",
                        "Symbl refuses tracker bodies over 1 MB; use fewer or shorter phrases, or send the trackers "
                        "in several requests.")
    if isinstance(exc, SymblNotFound):
        return not_found("tracker")
    return from_symbl(exc)


def _run(call: Any, name: str | None = None) -> Any:
    """Run a service call, translating its errors."""
    try:
        return call()
    except SymblError as exc:
        raise symbl_error(exc, name) from None
    except TrackerTooLarge:
        raise ApiError(413, "payload_too_large",
                       "These trackers make a body over Symbl's 1 MB limit; use fewer or shorter phrases, or send "
                       "them in several requests.") from None
    except ManagementBusy:
        raise ApiError(503, "symbl_busy",
                       "Other tracker changes for this Symbl account are still running; try again in a few seconds.",
                       headers={"Retry-After": "5"}) from None


def _out(tracker: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(tracker.get("id")), "name": str(tracker.get("name", "")),
            "vocabulary": [str(p) for p in tracker.get("vocabulary") or []]}


_ONE = TypeAdapter(TrackerIn)
_MANY = TypeAdapter(list[TrackerIn])
_SYNC = TypeAdapter(SyncRequest)


# -- routes -------------------------------------------------------------------------------------------
@bp.get("/trackers", summary="List saved trackers", responses={200: TrackerList})
def list_trackers(query: TrackerQuery) -> Response:
    """The Symbl account's saved trackers (`?name=` finds one by its exact name)."""
    trackers = _run(lambda: service().list(current_caller().credential, tenant(), query.name))
    return jsonify({"trackers": [_out(t) for t in trackers]})


@bp.get("/trackers/<tracker_id>", summary="Get a saved tracker", responses={200: TrackerOut, 404: ErrorResponse})
def get_tracker(path: TrackerPath) -> Response:
    return jsonify(_out(_run(lambda: service().get(current_caller().credential, tenant(), path.tracker_id))))


@bp.post("/trackers", summary="Create saved trackers", responses={201: TrackersCreated, 409: ErrorResponse},
         openapi_extensions=_body_doc({"oneOf": [_inline(TrackerIn),
                                                 {"type": "array", "items": _inline(TrackerIn), "minItems": 1}]}))
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
    created = _run(lambda: service().create(current_caller().credential, who, trackers),
                   trackers[0].name if len(trackers) == 1 else None)
    response = jsonify({"trackers": [_out(t) for t in created]} if many else _out(created[0]))
    response.status_code = 201
    return response


@bp.put("/trackers/<tracker_id>", summary="Update a saved tracker",
        responses={200: TrackerOut, 404: ErrorResponse, 409: ErrorResponse},
        openapi_extensions=_body_doc(_inline(TrackerIn)))
def update_tracker(path: TrackerPath) -> Response:
    """Replace the tracker's name and vocabulary."""
    data = read_body()
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", 'Send the tracker as {"name", "vocabulary"}.')
    data = {k: v for k, v in data.items() if not (k == "id" and v == path.tracker_id)}
    tracker = validated(_ONE, data)
    who = tenant()
    check_names(who, [tracker])
    updated = _run(lambda: service().update(current_caller().credential, who, path.tracker_id, tracker), tracker.name)
    return jsonify(_out(updated))


@bp.delete("/trackers/<tracker_id>", summary="Delete a saved tracker", responses={200: TrackerDeleted, 404: ErrorResponse})
def delete_tracker(path: TrackerPath) -> Response:
    _run(lambda: service().delete(current_caller().credential, tenant(), path.tracker_id))
    return jsonify({"id": path.tracker_id, "deleted": True})


@bp.put("/trackers", summary="Sync the saved trackers to a desired set", responses={200: SyncOut, 409: ErrorResponse},
        openapi_extensions=_body_doc(_inline(SyncRequest)))
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
    result: SyncResult = _run(lambda: service().sync(current_caller().credential, who, wanted.trackers,
                                                     delete_missing=wanted.delete_missing, dry_run=wanted.dry_run))

    def items(trackers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**_out(t), "id": None if t.get("id") is None else str(t["id"])} for t in trackers]

    counts = (len(result.created), len(result.updated), len(result.deleted), len(result.unchanged))
    return jsonify({
        "changed": any(counts[:3]), "dry_run": wanted.dry_run,
        "summary": "{} created, {} updated, {} deleted, {} unchanged".format(*counts),
        "created": items(result.created), "updated": items(result.updated),
        "deleted": items(result.deleted), "unchanged": items(result.unchanged),
    })


def apply_saved_trackers(parsed: ConversationInput, caller: Caller) -> ConversationInput:
    """Resolve ``tracker_names`` into inline ``trackers`` (Symbl's submit takes trackers inline;
    an inline tracker of the same name wins) among the caller's own saved trackers; 400
    invalid_request naming any unknown tracker (another key's are unknown too).

    ``enable_all_trackers`` means all of the caller's saved trackers, sent inline: Symbl's own
    flag would match every tracker of the account, other keys' included."""
    if not parsed.tracker_names and not parsed.enable_all_trackers:
        return parsed
    who = tenant()
    try:
        saved = _run(lambda: service().resolve(caller.credential, who, parsed.tracker_names))
        if parsed.enable_all_trackers:
            saved = [*saved, *_run(lambda: service().resolve(caller.credential, who, None))]
    except UnknownTrackers as exc:
        names = ", ".join(repr(n) for n in exc.names)
        raise ApiError(400, "invalid_request",
                       f"No saved tracker is named {names} (names are case-sensitive); see GET /v1/trackers.",
                       [{"field": "tracker_names", "message": f"unknown tracker {n!r}"} for n in exc.names]) from None
    inline = {t.name for t in parsed.trackers}
    extra = [TrackerSpec(name=t["name"], vocabulary=t["vocabulary"]) for t in saved if t["name"] not in inline]
    extra = list({t.name: t for t in extra}.values())
    return parsed.model_copy(update={"trackers": [*parsed.trackers, *extra], "enable_all_trackers": False})
