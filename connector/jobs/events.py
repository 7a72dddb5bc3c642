"""The bodies POSTed to a callback_url or hook when a conversation ends: one model per event.

The finisher builds every delivery from these models, and the OpenAPI document (``webhooks``) and
the connectors' samples are generated from them, so the fields are defined once."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from connector.insights.contract import FlatInsights

EVENT_COMPLETED = "conversation.completed"
EVENT_FAILED = "conversation.failed"


class JobError(BaseModel):
    """Why a job failed."""

    model_config = ConfigDict(extra="forbid")

    code: str
    message: str


class CompletedEvent(FlatInsights):
    """The body POSTed to a callback_url or hook when a conversation completes."""

    event: Literal["conversation.completed"] = "conversation.completed"
    event_id: str = Field("", description="The same on every retry of this delivery; dedupe on it.")


class FailedEvent(BaseModel):
    """The body POSTed to a callback_url or hook when a conversation's job fails."""

    model_config = ConfigDict(extra="forbid")

    event: Literal["conversation.failed"] = "conversation.failed"
    event_id: str
    conversation_id: str
    job_id: str
    status: Literal["failed"] = "failed"
    error: JobError


def payload(event: CompletedEvent | FailedEvent) -> str:
    """The exact JSON body of a delivery: ``event`` and ``event_id`` first, then the fields."""
    body: dict[str, Any] = event.model_dump(mode="json")
    ordered = {"event": body.pop("event"), "event_id": body.pop("event_id"), **body}
    return json.dumps(ordered, separators=(",", ":"))
