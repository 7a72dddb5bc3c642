"""Request and response models of the API (they are also the OpenAPI document)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from connector.api.ids import CONVERSATION_ID, HOOK_ID, JOB_ID
from connector.insights.contract import EXTRA_PARTS, INSIGHT_PARTS, Links
from connector.jobs.events import CompletedEvent, FailedEvent, JobError  # noqa: F401 - part of the API's models
from connector.status import JobStatus


class Strict(BaseModel):
    """The base of every request and response model of the API: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


# -- path and query parameters ---------------------------------------------------------------
class JobPath(Strict):
    job_id: str = Field(pattern=JOB_ID)


class ConversationPath(Strict):
    conversation_id: str = Field(pattern=CONVERSATION_ID)


class WebhookPath(Strict):
    secret: str = Field(min_length=1, max_length=200)


class HookPath(Strict):
    hook_id: str = Field(pattern=HOOK_ID)


class WaitQuery(Strict):
    wait: float = Field(0, ge=0, description="Seconds to wait for a terminal status (0..CONNECTOR_MAX_WAIT_SECONDS).")


class InsightsQuery(WaitQuery):
    include: str | None = Field(
        None,
        description="Comma-joined parts: "
        + ", ".join(INSIGHT_PARTS + EXTRA_PARTS)
        + " (call_score and summary_url are read or created as well; alone they keep every part).",
    )
    format: Literal["flat", "raw"] = Field("flat", description="flat (default) or raw (Symbl's own bodies).")

    @field_validator("include")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        if value is None:
            return None
        known = INSIGHT_PARTS + EXTRA_PARTS
        unknown = [p for p in (s.strip() for s in value.split(",")) if p and p not in known]
        if unknown:
            raise ValueError(f"unknown insight part(s) {', '.join(unknown)}; choose from {', '.join(known)}")
        return value

    def parts(self) -> list[str] | None:
        if self.include is None:
            return None
        return [p.strip() for p in self.include.split(",") if p.strip()]


class ListQuery(Strict):
    name: str | None = Field(None, max_length=300, description="Substring of the name, case-insensitive.")
    since: datetime | float | None = Field(
        None, description="ISO-8601 or UNIX seconds: only submissions created at or after it."
    )

    def since_seconds(self) -> float | None:
        if self.since is None:
            return None
        return self.since.timestamp() if isinstance(self.since, datetime) else float(self.since)

    status: JobStatus | None = None
    limit: int = Field(50, ge=1, le=500)


# -- answers -------------------------------------------------------------------------------
class Accepted(Strict):
    """The job is still running: where to look next."""

    conversation_id: str
    job_id: str
    status: JobStatus
    links: Links


class JobInfo(Strict):
    """A job's status."""

    job_id: str
    conversation_id: str
    status: JobStatus
    error: JobError | None = None
    links: Links


def iso(ts: float) -> str:
    """UNIX seconds as ISO-8601 UTC with milliseconds, like Symbl's timestamps."""
    return datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ConversationSummary(Strict):
    """A recorded submission."""

    conversation_id: str
    job_id: str
    status: JobStatus
    name: str
    kind: Literal["submit", "append"]
    created_at: str = Field(description="ISO-8601 UTC.")
    updated_at: str = Field(description="ISO-8601 UTC.")
    links: Links


class ConversationList(Strict):
    conversations: list[ConversationSummary]


class Me(Strict):
    """The credential test for connectors."""

    key_id: str = Field(description="A fingerprint of the API key (never the key).")
    mode: Literal["sandbox", "live"]
    version: str
    symbl_base_url: str
    own_symbl_credentials: bool
    max_wait_seconds: float
    default_wait_seconds: float


class Health(Strict):
    status: Literal["ok"]
    mode: Literal["sandbox", "live"]
    version: str


class Ready(Strict):
    status: Literal["ready", "unavailable"]
    store: Literal["ok", "unavailable"]


class HookCreate(Strict):
    target_url: str = Field(
        min_length=8,
        max_length=2048,
        description=("https URL to POST events to (public; sandbox mode also accepts http://127.0.0.1 and localhost)."),
    )
    event: Literal["conversation.completed", "conversation.failed"] = "conversation.completed"


class HookOut(Strict):
    id: str
    target_url: str
    event: str
    created_at: str = Field(description="ISO-8601 UTC.")


class HookCreated(HookOut):
    secret: str = Field(description="Signs deliveries to this hook (X-Connector-Signature); shown only once.")


class HookList(Strict):
    hooks: list[HookOut]


class WebhookBody(BaseModel):
    """Symbl's job webhook: ``jobId`` (documented) or ``id`` (seen in Symbl's blog), plus status."""

    model_config = ConfigDict(extra="allow")

    jobId: str | None = None
    id: str | None = None
    status: str | None = None


class WebhookAck(Strict):
    received: bool
    known_job: bool


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")
