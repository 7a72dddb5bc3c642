"""Symbl's own Conversation API bodies for one conversation, keyed by part (``format=raw``).

`fetch.py` fills it (one parallel read per part), `flatten.py` turns it into `FlatInsights`.
Each part keeps Symbl's body as it came (wrapper keys included; ``trackers`` is Symbl's bare
array); a part that was not requested or could not be read keeps its empty default and, if it
failed, is named in ``warnings``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from connector.insights.contract import InsightWarning
from connector.status import JobStatus


class RawInsights(BaseModel):
    """Symbl's bodies for one conversation, as returned with ``format=raw``."""

    model_config = ConfigDict(extra="forbid")

    conversation_id: str
    job_id: str = ""
    status: JobStatus = "completed"
    conversation: dict[str, Any] = Field(default_factory=dict, description="GET /v1/conversations/{id}")
    messages: dict[str, Any] = Field(
        default_factory=dict, description='GET .../messages?sentiment=true ({"messages": [...]})'
    )
    topics: dict[str, Any] = Field(
        default_factory=dict, description='GET .../topics?sentiment=true ({"topics": [...]})'
    )
    action_items: dict[str, Any] = Field(
        default_factory=dict, description='GET .../action-items ({"actionItems": [...]})'
    )
    follow_ups: dict[str, Any] = Field(default_factory=dict, description='GET .../follow-ups ({"followUps": [...]})')
    questions: dict[str, Any] = Field(default_factory=dict, description='GET .../questions ({"questions": [...]})')
    entities: dict[str, Any] = Field(default_factory=dict, description='GET .../entities ({"entities": [...]})')
    analytics: dict[str, Any] = Field(default_factory=dict, description='GET .../analytics ({"metrics", "members"})')
    trackers: list[Any] = Field(default_factory=list, description="GET .../trackers-detected (a bare array)")
    summary: dict[str, Any] = Field(default_factory=dict, description='GET .../summary ({"summary": [...]})')
    warnings: list[InsightWarning] = Field(default_factory=list)
