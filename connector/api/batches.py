"""Batches: submit many conversations at once (a backfill), follow them, read every result as
JSON lines or CSV, cancel what has not started. Items go through the same queue as single
submits (connector/queue)."""

from __future__ import annotations

import json
import time
import types
import typing
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connector.api.auth import current_caller
from connector.api.conversations import base_url
from connector.api.errors import ApiError, ErrorResponse, from_symbl
from connector.api.ids import BATCH_ID, not_found
from connector.api.models import Strict
from connector.api.trackers import apply_saved_trackers
from connector.facade import facade
from connector.insights.contract import FlatInsights
from connector.insights.csv_safe import write_rows
from connector.jobs.urlguard import check_callback_url
from connector.queue.batches import Batch, Batches, Item, item_request
from connector.symbl.errors import SymblError

bp = APIBlueprint(
    "batches",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="batches")],
    abp_security=[{"bearer": []}],
    abp_responses={"400": ErrorResponse, "401": ErrorResponse},
)

MAX_ITEMS = 10_000
BODY_FACTOR = 20  # a batch body may be this many times CONNECTOR_MAX_BODY_BYTES
INSIGHT_THREADS = 8
READ_MIN_SECONDS = 30.0
"""Reading one item's insights gets at least this long (or SYMBL_READ_TIMEOUT_SECONDS if longer)."""


def _scalar(annotation: Any) -> bool:
    if annotation in (str, int, float, bool) or getattr(annotation, "__origin__", None) is Literal:
        return True
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    return isinstance(annotation, types.UnionType) and len(args) == 1 and _scalar(args[0])  # e.g. int | None


CSV_COLUMNS: list[str] = [
    name for name, f in FlatInsights.model_fields.items() if _scalar(f.annotation) or name == "answers"
] + ["key", "item"]
"""The insights CSV: the scalar fields of FlatInsights in model order (``answers`` as a JSON object),
then the item's key and index."""


# -- models -----------------------------------------------------------------------------------------
class BatchItemIn(BaseModel):
    """One conversation: like the submit body's input fields, plus an optional key."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(None, description="A public http(s) URL of an audio or video file.")
    transcript: str | None = Field(None, description='"Speaker: line" text.')
    messages: list[dict[str, Any]] | None = Field(None, description="Messages, as in the submit body.")
    type: Literal["audio_url", "video_url"] | None = None
    name: str | None = Field(None, max_length=300)
    key: str | None = Field(
        None,
        max_length=300,
        description="Your ID for it (e.g. the recording ID): a key already processed with your "
        "API key is not submitted again, the item points to the earlier conversation.",
    )
    options: dict[str, Any] | None = Field(None, description="Submit options for this item (override the batch's).")


class BatchIn(Strict):
    items: list[BatchItemIn] = Field(min_length=1, max_length=MAX_ITEMS)
    options: dict[str, Any] | None = Field(None, description="Submit options for every item (language, include ...).")
    callback_url: str | None = Field(
        None, max_length=2048, description="Gets one delivery per finished item (as a submit's callback)."
    )


class BatchPath(Strict):
    batch_id: str = Field(pattern=BATCH_ID)


class BatchItemOut(Strict):
    index: int
    name: str
    key: str
    status: Literal["queued", "scheduled", "in_progress", "completed", "failed", "cancelled"]
    conversation_id: str = Field(description="Empty while the item is queued.")
    job_id: str = Field(description="The facade's queued ID while queued, then Symbl's job ID.")
    reused: bool = Field(description="True when the key was processed before: the earlier conversation.")
    error: dict[str, Any] | None = None


class BatchCounts(Strict):
    queued: int = 0
    scheduled: int = 0
    in_progress: int = 0
    completed: int = 0
    failed: int = 0
    cancelled: int = 0


class BatchLinks(Strict):
    batch: str
    insights: str


class BatchInfo(Strict):
    batch_id: str
    status: Literal["running", "completed", "cancelled"]
    total: int
    counts: BatchCounts
    created_at: str
    items: list[BatchItemOut] | None = Field(None, description="Per item (omitted with items=false).")
    links: BatchLinks


class BatchQuery(Strict):
    items: bool = Field(True, description="Include the per-item list.")


# -- helpers ------------------------------------------------------------------------------------------
def batches() -> Batches:
    return facade().batches


def info(batch: Batch, with_items: bool = True) -> dict[str, Any]:
    from connector.api.models import iso

    base = base_url().rstrip("/")
    status: Literal["running", "completed", "cancelled"] = "completed" if batch.done else "running"
    if batch.cancelled_at and batch.done:
        status = "cancelled"
    items = None
    if with_items:
        items = [
            BatchItemOut(
                index=i.index,
                name=i.name,
                key=i.key,
                status=i.status,  # type: ignore[arg-type]
                conversation_id=i.sub.conversation_id if i.sub else "",
                job_id=i.sub.job_id if i.sub else i.job_id,
                reused=i.reused,
                error=i.sub.error if i.sub and i.sub.status == "failed" else None,
            )
            for i in batch.items
        ]
    body = BatchInfo(
        batch_id=batch.id,
        status=status,
        total=len(batch.items),
        counts=BatchCounts(**batch.counts()),
        created_at=iso(batch.created_at),
        items=items,
        links=BatchLinks(batch=f"{base}/v1/batches/{batch.id}", insights=f"{base}/v1/batches/{batch.id}/insights"),
    )
    return body.model_dump(mode="json", exclude_none=False)


def _load(batch_id: str) -> Batch:
    batch = batches().get(batch_id, current_caller().key_id)
    if batch is None:
        raise not_found("batch")
    return batch


# -- routes -------------------------------------------------------------------------------------------
@bp.post(
    "/batches",
    summary="Submit a batch of conversations",
    responses={202: BatchInfo, 413: ErrorResponse, 503: ErrorResponse},
)
def create_batch(body: BatchIn) -> Response:
    """Answers at once with the batch ID. Items wait in the facade's queue and go to Symbl as its
    concurrency limit allows; follow them with GET /v1/batches/{batch_id}."""
    the = facade()
    caller = current_caller()
    limit = the.settings.max_body_bytes * BODY_FACTOR
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, "payload_too_large", f"A batch body can be at most {limit} bytes; split the batch.")
    callback_url = body.callback_url
    if callback_url:
        callback_url = check_callback_url(callback_url, the.callback_allowlist, field="callback_url")
    items: list[Item] = []
    errors: list[dict[str, str]] = []
    resolved: dict[str, Any] = {}  # saved tracker names -> inline trackers, looked up once per distinct set
    for n, raw in enumerate(body.items):
        try:
            parsed = item_request(raw.model_dump(exclude_none=True), body.options or {}, callback_url)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                errors.append({"field": f"items[{n}]" + (f".{loc}" if loc else ""), "message": err["msg"]})
            continue
        if not parsed.has_input:
            errors.append({"field": f"items[{n}]", "message": "one of transcript, messages or url is required"})
            continue
        if parsed.tracker_names or parsed.enable_all_trackers:
            sig = json.dumps(
                [parsed.tracker_names, parsed.enable_all_trackers, [t.model_dump(mode="json") for t in parsed.trackers]]
            )
            if sig not in resolved:
                resolved[sig] = apply_saved_trackers(parsed, caller).trackers
            parsed = parsed.model_copy(update={"trackers": resolved[sig], "enable_all_trackers": False})
        items.append(Item(request=parsed, key=(raw.key or "").strip()))
    if errors:
        raise ApiError(400, "invalid_request", "Some items are invalid; nothing was submitted.", errors[:100])
    if caller.own_credential:
        the.remember(caller.credential)
    batch = batches().create(
        items, api_key_id=caller.key_id, credential=caller.credential, base_url=base_url(), callback_url=callback_url
    )
    batch = batches().get(batch.id, caller.key_id) or batch
    response = jsonify(info(batch, with_items=False))
    response.status_code = 202
    response.headers["Location"] = f"{base_url().rstrip('/')}/v1/batches/{batch.id}"
    return response


@bp.get("/batches/<batch_id>", summary="Get a batch's progress", responses={200: BatchInfo, 404: ErrorResponse})
def get_batch(path: BatchPath, query: BatchQuery) -> Response:
    """Counts per status, and per item its conversation ID, job ID and error."""
    return jsonify(info(_load(path.batch_id), with_items=query.items))


@bp.delete("/batches/<batch_id>", summary="Cancel what has not started", responses={200: BatchInfo, 404: ErrorResponse})
def cancel_batch(path: BatchPath) -> Response:
    """Items still queued are cancelled (status cancelled, no callback); items at Symbl finish."""
    batch = batches().cancel(path.batch_id, current_caller().key_id)
    if batch is None:
        raise not_found("batch")
    return jsonify(info(batch))


_INSIGHTS_RESPONSES: dict[Any, Any] = {
    200: {
        "description": "One line per finished conversation: JSON lines (the flat insights plus key and item), "
        "or CSV with Accept: text/csv (the scalar flat fields as columns).",
        "content": {"application/x-ndjson": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}},
    },
    404: ErrorResponse,
}


@bp.get(
    "/batches/<batch_id>/insights",
    summary="Every finished item's flat insights (JSON lines or CSV)",
    responses=_INSIGHTS_RESPONSES,
)
def batch_insights(path: BatchPath) -> Response:
    """The flat insights of every completed item, one per conversation, in item order. Send
    `Accept: text/csv` for a CSV ready for a CRM import."""
    the = facade()
    caller = current_caller()
    batch = _load(path.batch_id)
    wanted, seen = [], set()
    for item in batch.items:
        if item.sub is not None and item.sub.status == "completed" and item.sub.conversation_id not in seen:
            seen.add(item.sub.conversation_id)
            wanted.append(item)
    base = base_url()

    def read(item: Any) -> dict[str, Any]:
        sub = item.sub
        flat = the.insights.flat(
            caller.credential,
            conversation_id=sub.conversation_id,
            job_id=sub.job_id,
            status="completed",
            include=sub.options.get("include"),
            deadline=time.monotonic() + max(the.settings.symbl_read_timeout, READ_MIN_SECONDS),
            name=sub.name,
            language=sub.options.get("language") or "",
            base_url=base,
            options=sub.options,
        )
        return {**flat.model_dump(mode="json"), "key": item.key, "item": item.index}

    try:
        with ThreadPoolExecutor(max_workers=INSIGHT_THREADS) as pool:
            rows = list(pool.map(read, wanted))
    except SymblError as exc:
        raise from_symbl(exc) from None
    if (
        request.accept_mimetypes.best_match(["application/x-ndjson", "text/csv"]) == "text/csv"
        and request.accept_mimetypes["text/csv"] > request.accept_mimetypes["application/x-ndjson"]
    ):
        return Response(
            to_csv(rows),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{batch.id}.insights.csv"'},
        )
    lines = "".join(json.dumps(row, separators=(",", ":")) + "\n" for row in rows)
    return Response(lines, mimetype="application/x-ndjson")


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "" if value is None else value


def to_csv(rows: list[dict[str, Any]]) -> str:
    """Rows of flat insights as CSV (booleans as true/false, answers as JSON; formula-like cells neutralised)."""
    return write_rows([CSV_COLUMNS, *([_cell(row.get(c, "")) for c in CSV_COLUMNS] for row in rows)])
