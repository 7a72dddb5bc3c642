"""Conversations: submit (and wait), append, list, and get insights."""

from __future__ import annotations

import time
from typing import Any

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag

from connector.api import openapi
from connector.api.auth import current_caller
from connector.api.errors import ApiError, ErrorResponse, from_symbl
from connector.api.fairness import fair_wait
from connector.api.ids import not_found
from connector.api.inputs import multipart_upload, parse_json, raw_upload
from connector.api.models import (
    Accepted,
    ConversationList,
    ConversationPath,
    ConversationSummary,
    InsightsQuery,
    ListQuery,
    dump,
    iso,
)
from connector.api.trackers import apply_saved_trackers
from connector.facade import facade
from connector.insights.contract import FlatInsights
from connector.insights.service import links_for
from connector.jobs.options import ConversationInput
from connector.jobs.submit import Upload
from connector.jobs.urlguard import check_callback_url
from connector.jobs.waiter import Outcome
from connector.store.base import Submission
from connector.symbl.errors import SymblError
from connector.symbl.nebula import NebulaNotConfigured

bp = APIBlueprint(
    "conversations",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="conversations")],
    abp_security=[{"bearer": []}],
    abp_responses={"400": ErrorResponse, "401": ErrorResponse},
)

SUBMIT_MIN_SECONDS = 30.0
"""A submit's Symbl calls get at least this long (or SYMBL_READ_TIMEOUT_SECONDS if longer)."""
READ_MIN_SECONDS = 10.0
"""Reading a finished conversation's insights gets at least this long past the caller's wait."""


def base_url() -> str:
    """The base of links in answers: CONNECTOR_PUBLIC_URL; in live mode never the request's Host
    header (a forged one would end up in links and callbacks), so links are relative without it."""
    settings = facade().settings
    return settings.public_url or (request.host_url if settings.sandbox else "/")


def wait_seconds(requested: float | None) -> float:
    """The caller's wait, checked against the configured maximum; 0 when the caller's key already
    holds its fair share of waits (`fairness.fair_wait`)."""
    settings = facade().settings
    wait = settings.default_wait_seconds if requested is None else requested
    if wait > settings.max_wait_seconds:
        raise ApiError(
            400,
            "invalid_request",
            f"wait can be at most {settings.max_wait_seconds:g} seconds on this facade; use a callback_url "
            "or poll GET /v1/jobs/{job_id} for longer jobs.",
            [{"field": "wait", "message": f"at most {settings.max_wait_seconds:g}"}],
        )
    return fair_wait(current_caller().key_id, min(wait, settings.max_wait_seconds))


def require_nebula() -> None:
    """Refuse up front (400) when a question for Nebula cannot be asked: no Nebula key is configured."""
    enricher = facade().insights.enricher
    if enricher is None or not enricher.asker.nebula.configured:
        raise NebulaNotConfigured()


def accepted(sub: Submission, status: str) -> Response:
    links = links_for(base_url(), sub.conversation_id, sub.job_id)
    body = Accepted(conversation_id=sub.conversation_id, job_id=sub.job_id, status=status, links=links)  # type: ignore[arg-type]
    response = jsonify(dump(body))
    response.status_code = 202
    response.headers["Location"] = links.job
    response.headers["Retry-After"] = "5"
    return response


def job_failed(outcome: Outcome) -> ApiError:
    """The 422 answer for a failed job, with its recorded reason and IDs."""
    sub, error = outcome.sub, outcome.error or {}
    return ApiError(
        422, "job_failed", error.get("message", ""), {"conversation_id": sub.conversation_id, "job_id": sub.job_id}
    )


def awaited(sub: Submission, deadline: float) -> Submission | Response:
    """Wait for ``sub`` until ``deadline``: its record once completed, a 202 while it runs."""
    outcome = facade().waiter.wait(sub, deadline)
    if outcome.failed:
        raise job_failed(outcome)
    if not outcome.completed:
        return accepted(outcome.sub, outcome.status)
    return outcome.sub


def insights_answer(sub: Submission, deadline: float, include: list[str] | None, fmt: str = "flat") -> Response:
    """Wait for ``sub`` until ``deadline``; answer the insights, 202, or job_failed."""
    the = facade()
    done = awaited(sub, deadline)
    if isinstance(done, Response):
        return done
    sub = done
    caller = current_caller()
    budget = time.monotonic() + max(the.settings.symbl_read_timeout, READ_MIN_SECONDS)
    ids = {"conversation_id": sub.conversation_id, "job_id": sub.job_id}
    try:
        if fmt == "raw":
            raw = the.insights.raw(
                caller.credential,
                conversation_id=sub.conversation_id,
                job_id=sub.job_id,
                status="completed",
                include=include,
                deadline=budget,
            )
            return jsonify(dump(raw))
        flat = the.insights.flat(
            caller.credential,
            conversation_id=sub.conversation_id,
            job_id=sub.job_id,
            status="completed",
            include=include,
            deadline=max(budget, deadline),
            name=sub.name,
            language=sub.options.get("language") or "",
            base_url=base_url(),
            options=sub.options,
            wait_deadline=deadline,
        )
    except SymblError as exc:
        raise from_symbl(exc, ids) from None
    return jsonify(dump(flat))


def read_input() -> tuple[ConversationInput, Upload | None]:
    """The request in whichever form it came."""
    settings = facade().settings
    mimetype = (request.mimetype or "").lower()
    if mimetype == "multipart/form-data":
        parsed, upload = multipart_upload(request, settings.max_upload_bytes)
    elif mimetype.startswith(("audio/", "video/")) or mimetype == "application/octet-stream":
        parsed, upload = raw_upload(request, settings.max_upload_bytes)
    elif mimetype in ("application/json", "") or mimetype.endswith("+json"):
        parsed, upload = parse_json(request, settings.max_body_bytes), None
    else:
        raise ApiError(
            415,
            "unsupported_media_type",
            "Send JSON, multipart/form-data with a 'file' field, or a raw audio/* or video/mp4 body.",
        )
    if upload is None and not parsed.has_input:
        raise ApiError(
            400,
            "invalid_request",
            "Send one of transcript, messages, url, or a file.",
            [{"field": "transcript", "message": "one input is required"}],
        )
    return parsed, upload


def submit(conversation_id: str | None) -> Response:
    the = facade()
    caller = current_caller()
    parsed, upload = read_input()
    if parsed.ask or parsed.fields:
        require_nebula()
    wait = wait_seconds(parsed.wait)
    deadline = time.monotonic() + wait
    if parsed.callback_url:
        url = check_callback_url(parsed.callback_url, the.callback_allowlist, field="callback_url")
        parsed = parsed.model_copy(update={"callback_url": url})
    if conversation_id is not None:
        owner = the.store.latest_submission(conversation_id)
        if owner is not None and owner.api_key_id != caller.key_id:
            raise not_found("conversation")
    if caller.own_credential:
        the.remember(caller.credential)
    if parsed.tracker_names or parsed.enable_all_trackers:
        parsed = apply_saved_trackers(parsed, caller)
    sub, _ = the.submitter.submit(
        parsed,
        api_key_id=caller.key_id,
        credential=caller.credential,
        deadline=time.monotonic() + max(the.settings.symbl_read_timeout, SUBMIT_MIN_SECONDS),
        base_url=base_url(),
        conversation_id=conversation_id,
        upload=upload,
        idempotency_key=request.headers.get("Idempotency-Key", "").strip() or None,
    )
    return insights_answer(sub, deadline, parsed.include)


_SUBMIT_DOC: dict[str, Any] = dict(
    responses={
        200: FlatInsights,
        202: Accepted,
        404: ErrorResponse,
        409: ErrorResponse,
        413: ErrorResponse,
        415: ErrorResponse,
        422: ErrorResponse,
        429: ErrorResponse,
        502: ErrorResponse,
        503: ErrorResponse,
    },
    openapi_extensions=openapi.submit_request_body(),
)


@bp.post("/conversations", summary="Submit a conversation and wait for its insights", **_SUBMIT_DOC)
def create_conversation() -> Response:
    """Submit text, a recording URL or a file. Answers the flat insights if the job finishes within
    `wait` seconds, else 202 with the IDs and links to continue."""
    return submit(None)


@bp.put("/conversations/<conversation_id>", summary="Append to a conversation", **_SUBMIT_DOC)
def append_conversation(path: ConversationPath) -> Response:
    """Add text, a recording URL or a file to an existing conversation (a new job)."""
    return submit(path.conversation_id)


@bp.get("/conversations", summary="List recorded submissions", responses={200: ConversationList})
def list_conversations(query: ListQuery) -> Response:
    """The submissions made with your key, newest first: how to find a lost conversation ID."""
    the = facade()
    since = query.since_seconds()
    subs = the.store.list_submissions(
        current_caller().key_id, name=query.name, since=since, status=query.status, limit=query.limit
    )
    items = [
        ConversationSummary(
            conversation_id=s.conversation_id,
            job_id=s.job_id,
            status=s.status,
            name=s.name,
            kind=s.kind,
            created_at=iso(s.created_at),
            updated_at=iso(s.updated_at),
            links=links_for(base_url(), s.conversation_id, s.job_id),
        )
        for s in subs
    ]
    return jsonify(dump(ConversationList(conversations=items)))


@bp.get(
    "/conversations/<conversation_id>/insights",
    summary="Get a conversation's insights",
    responses={200: FlatInsights, 202: Accepted, 404: ErrorResponse, 422: ErrorResponse, 503: ErrorResponse},
    openapi_extensions=openapi.raw_alternative(),
)
def get_insights(path: ConversationPath, query: InsightsQuery) -> Response:
    """The flat insights (or Symbl's raw bodies with format=raw). Waits up to `wait` seconds while
    the conversation's job is still running."""
    the = facade()
    caller = current_caller()
    deadline = time.monotonic() + wait_seconds(query.wait)
    sub = the.store.latest_submission(path.conversation_id)
    if sub is not None and sub.api_key_id != caller.key_id:
        raise not_found("conversation")
    if sub is None:
        # Not submitted through the facade: read it from Symbl directly if it exists there.
        sub = Submission(
            job_id="",
            conversation_id=path.conversation_id,
            api_key_id=caller.key_id,
            credential_id=caller.credential.id,
            status="completed",
            created_at=0,
            updated_at=0,
        )
        try:
            return insights_answer(sub, deadline, query.parts(), query.format)
        except ApiError as exc:
            if exc.status == 404:
                raise not_found("conversation") from None
            raise
    return insights_answer(sub, deadline, query.parts(), query.format)
