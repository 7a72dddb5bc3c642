"""Ask Nebula about a conversation: ``POST /v1/conversations/{id}/ask`` with a question, or with
typed fields whose keys come back at the top level of the answer, ready to map into CRM fields."""

from __future__ import annotations

import time
from typing import Any

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from connector.ai.models import AskRequest
from connector.api.auth import current_caller
from connector.api.conversations import awaited, require_nebula, wait_seconds
from connector.api.errors import ApiError, ErrorResponse, from_symbl
from connector.api.ids import not_found
from connector.api.models import Accepted, ConversationPath
from connector.facade import facade
from connector.insights.contract import InsightWarning
from connector.store.base import Submission
from connector.symbl.errors import SymblError, SymblNotFound

ASK_SECONDS = 15.0
"""Reading the transcript and asking Nebula (with retries) get this long at least, past a `wait`
that already ran out: within Zapier's 30 s and Make's 40 s step limits with a `wait` of 10."""

bp = APIBlueprint(
    "ask",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="conversations")],
    abp_security=[{"bearer": []}],
    abp_responses={"400": ErrorResponse, "401": ErrorResponse},
)


class AskAnswer(BaseModel):
    """Nebula's answer. With ``fields``, each field's key is also a top-level key holding a value of
    its declared type, or null."""

    model_config = ConfigDict(extra="allow")

    conversation_id: str = Field(title="Conversation ID", description="The conversation asked about.")
    question: str = Field("", title="Question", description="The question, when one was asked.")
    answer: str = Field("", title="Answer", description="The answer to the question (empty for fields).")
    warnings: list[InsightWarning] = Field(
        default_factory=list, title="Warnings", description="Values left empty and why (e.g. wrong_type)."
    )


def _completed(conversation_id: str, deadline: float) -> Submission | Response:
    """The conversation's latest submission once completed (a 202 while it runs)."""
    the = facade()
    caller = current_caller()
    sub = the.store.latest_submission(conversation_id)
    if sub is None or sub.api_key_id != caller.key_id:
        if sub is not None:
            raise not_found("conversation")
        return Submission(
            job_id="",
            conversation_id=conversation_id,
            api_key_id=caller.key_id,
            credential_id=caller.credential.id,
            status="completed",
            created_at=0,
            updated_at=0,
        )
    return awaited(sub, deadline)


@bp.post(
    "/conversations/<conversation_id>/ask",
    summary="Ask Nebula about a conversation",
    responses={
        200: AskAnswer,
        202: Accepted,
        404: ErrorResponse,
        422: ErrorResponse,
        502: ErrorResponse,
        503: ErrorResponse,
    },
)
def ask(path: ConversationPath, body: AskRequest) -> Response:
    """A question (``{"question"}``) gets ``answer``; fields (``{"fields": [{key, description, type}]}``)
    get one top-level key each, typed as declared (string, number, boolean, date, enum) or null.
    Waits up to `wait` seconds while the conversation's job is still running."""
    require_nebula()
    the = facade()
    caller = current_caller()
    deadline = time.monotonic() + wait_seconds(body.wait)
    found = _completed(path.conversation_id, deadline)
    if isinstance(found, Response):
        return found
    budget = max(deadline, time.monotonic() + ASK_SECONDS)
    ids = {"conversation_id": path.conversation_id, "job_id": found.job_id}
    asker = the.insights.enricher.asker  # type: ignore[union-attr]
    try:
        messages = asker.transcript(caller.credential, path.conversation_id, budget)
    except SymblNotFound:
        raise not_found("conversation") from None
    except SymblError as exc:
        raise from_symbl(exc, ids) from None
    try:
        result = asker.ask(messages, question=body.question, fields=body.fields, deadline=budget)
    except SymblError as exc:
        retry = exc.status is None or exc.status == 429 or exc.status >= 500
        raise ApiError(
            503 if retry else 502,
            "nebula_unavailable" if retry else "nebula_error",
            f"Nebula did not answer: {exc.message}",
            ids,
            {"Retry-After": "5"} if retry else None,
        ) from None
    answer: dict[str, Any] = {
        "conversation_id": path.conversation_id,
        "question": body.question or "",
        "answer": result.answer,
    }
    answer.update(result.values)
    answer["warnings"] = [w.model_dump() for w in result.warnings]
    return jsonify(answer)
