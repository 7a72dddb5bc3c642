"""The flat insights contract: the one definition of what CRM and Slack steps map.

Everything a connector shows (Zapier output fields and samples, n8n output
descriptions, Make interfaces) and the facade's OpenAPI schema come from these
models or are checked against them by a test that fails on drift.

Rules (docs/design.md, the flat insights contract):
- every field is always present, with an empty value ("" / 0 / false / []) rather than missing;
- a scalar wherever a scalar will do; arrays hold flat objects only, never primitives
  (Zapier comma-joins arrays of primitives);
- the model is strict (``extra="forbid"``) so a field cannot appear without being documented.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from connector.status import JobStatus

SentimentLabel = Literal["positive", "neutral", "negative", ""]
"""Symbl's sentiment label, or "" when no message carries a score."""

INSIGHT_PARTS: tuple[str, ...] = (
    "messages",
    "topics",
    "action_items",
    "follow_ups",
    "questions",
    "entities",
    "analytics",
    "trackers",
    "summary",
)
"""The Conversation API parts a caller can ``include`` (the conversation itself is always read)."""

EXTRA_PARTS: tuple[str, ...] = ("call_score", "summary_url")
"""More that a caller can ``include`` on get-insights: read (or create) these too. Naming only
extras in ``include`` keeps every Conversation API part."""


class _Flat(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActionItem(_Flat):
    """One action item, as a CRM task."""

    text: str = Field("", title="Text", description="The action item as spoken.")
    assignee: str = Field("", title="Assignee", description="Who should do it, when Symbl found a name.")
    assignee_email: str = Field("", title="Assignee Email", description="The assignee's e-mail, when known.")
    due: str = Field("", title="Due", description="Due date and time (ISO-8601), when one was mentioned.")
    score: float = Field(0.0, title="Score", description="Symbl's confidence, 0 to 1.")


class FollowUp(ActionItem):
    """One follow-up (same shape as an action item)."""


class Question(_Flat):
    """One question asked in the conversation."""

    text: str = Field("", title="Text", description="The question.")
    asked_by: str = Field("", title="Asked By", description="The speaker who asked it.")


class TopicItem(_Flat):
    """One topic with its weight and sentiment."""

    text: str = Field("", title="Text", description="The topic.")
    score: float = Field(0.0, title="Score", description="Relevance, 0 to 1.")
    sentiment: str = Field("", title="Sentiment", description="positive, neutral or negative.")


class EntityItem(_Flat):
    """One detected entity."""

    type: str = Field("", title="Type", description="person, organization, date, custom ...")
    value: str = Field("", title="Value", description="The normalised value.")
    text: str = Field("", title="Text", description="The words as spoken.")


class TrackerHit(_Flat):
    """One tracker that matched, with how often and an example."""

    name: str = Field("", title="Name", description="The tracker's name.")
    count: int = Field(0, title="Count", description="How many matches.")
    example: str = Field("", title="Example", description="One sentence that matched.")


class MemberItem(_Flat):
    """One participant with talk-time analytics."""

    name: str = Field("", title="Name", description="The speaker's name.")
    email: str = Field("", title="Email", description="The speaker's e-mail, when known.")
    talk_seconds: float = Field(0.0, title="Talk Seconds", description="Seconds this speaker talked.")
    talk_percent: float = Field(0.0, title="Talk Percent", description="Share of the talk time, 0 to 100.")
    wpm: int = Field(0, title="Words per Minute", description="Speaking pace.")


class CallScoreCriterion(_Flat):
    """One Call Score criterion, for a CRM line item."""

    name: str = Field("", title="Name", description="The criterion, e.g. Communication and Engagement.")
    score: int = Field(0, title="Score", description="0 to 100.")
    summary: str = Field("", title="Summary", description="What the score is based on.")
    positive: str = Field("", title="Positive Feedback", description="What went well.")
    negative: str = Field("", title="Negative Feedback", description="What to improve.")


class InsightWarning(_Flat):
    """One part of the insights that could not be read; that part is left empty."""

    part: str = Field("", title="Part", description="Which part is missing, e.g. topics.")
    code: str = Field("", title="Code", description="A stable machine code, e.g. symbl_unavailable.")
    message: str = Field("", title="Message", description="What went wrong.")


class Links(_Flat):
    """URLs back into the facade."""

    insights: str = Field("", title="Insights URL", description="GET this for the flat insights.")
    job: str = Field("", title="Job URL", description="GET this for the job status (long-poll with ?wait=).")


class FlatInsights(_Flat):
    """The flat insights of one conversation, ready to map into CRM and Slack steps."""

    # identity
    conversation_id: str = Field("", title="Conversation ID", description="Symbl's conversation ID (16 digits).")
    job_id: str = Field("", title="Job ID", description="The Symbl job that produced these insights.")
    status: JobStatus = Field("completed", title="Status", description="The job status.")
    name: str = Field("", title="Name", description="The conversation's name.")
    start_time: str = Field("", title="Start Time", description="ISO-8601 start of the conversation.")
    end_time: str = Field("", title="End Time", description="ISO-8601 end of the conversation.")
    duration_seconds: float = Field(0.0, title="Duration (seconds)", description="End minus start.")
    language: str = Field("", title="Language", description="BCP-47 language code, e.g. en-US.")
    # people
    speakers: str = Field("", title="Speakers", description='Comma-joined speaker names: "Alice, Bob".')
    speaker_count: int = Field(0, title="Speaker Count", description="How many distinct speakers.")
    talk_time: str = Field("", title="Talk Time", description='Share per speaker: "Alice 62%, Bob 38%".')
    # text for a person
    summary: str = Field("", title="Summary", description="Symbl's summary of the conversation.")
    topics: str = Field("", title="Topics", description="Comma-joined topics, most relevant first.")
    action_items_text: str = Field("", title="Action Items (text)", description="One action item per line.")
    questions_text: str = Field("", title="Questions (text)", description="One question per line.")
    follow_ups_text: str = Field("", title="Follow-ups (text)", description="One follow-up per line.")
    entities_text: str = Field("", title="Entities (text)", description='One "type: value" per line.')
    trackers_text: str = Field("", title="Trackers (text)", description='One "Tracker (count): example" per line.')
    transcript_text: str = Field("", title="Transcript", description='"Speaker: line" per message, bounded length.')
    transcript_truncated: bool = Field(
        False, title="Transcript Truncated", description="True when transcript_text was cut."
    )
    # numbers and flags for routing and filters
    topic_count: int = Field(0, title="Topic Count")
    action_item_count: int = Field(0, title="Action Item Count")
    question_count: int = Field(0, title="Question Count")
    follow_up_count: int = Field(0, title="Follow-up Count")
    tracker_hit_count: int = Field(0, title="Tracker Hit Count", description="Total tracker matches.")
    sentiment_score: float = Field(0.0, title="Sentiment Score", description="Overall sentiment, -1 to 1.")
    sentiment_label: SentimentLabel = Field(
        "", title="Sentiment", description="positive (> 0.3), negative (< -0.3) or neutral."
    )
    has_action_items: bool = Field(False, title="Has Action Items")
    is_negative: bool = Field(False, title="Is Negative", description="True when the sentiment is negative.")
    tracker_names: str = Field("", title="Tracker Names", description="Comma-joined names of trackers that matched.")
    # Call Score, questions answered by Nebula, the hosted summary page (when asked for)
    call_score: int | None = Field(
        None, title="Call Score", description="0 to 100 when a Call Score was asked for and is ready, else null."
    )
    call_score_summary: str = Field("", title="Call Score Summary", description="Symbl's summary of the score.")
    call_score_text: str = Field(
        "", title="Call Score (text)", description='One "Criterion: score/100 - summary" per line.'
    )
    answer: str = Field("", title="Answer", description="Nebula's answer to the submit's `ask` question.")
    answers: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict,
        title="Answers",
        description="One key per requested field (submit's `fields`), typed as declared, or null.",
    )
    summary_url: str = Field("", title="Summary Page URL", description="Symbl's hosted summary page, when asked for.")
    # ready-made messages
    crm_note: str = Field("", title="CRM Note", description="A plain-text note for HubSpot, Salesforce or Pipedrive.")
    slack_text: str = Field("", title="Slack Message", description="The summary as Slack mrkdwn.")
    slack_blocks: str = Field("", title="Slack Blocks (JSON)", description="Block Kit JSON, as a string.")
    # line items
    action_items: list[ActionItem] = Field(default_factory=list, title="Action Items")
    questions: list[Question] = Field(default_factory=list, title="Questions")
    follow_ups: list[FollowUp] = Field(default_factory=list, title="Follow-ups")
    topic_list: list[TopicItem] = Field(default_factory=list, title="Topic List")
    entities: list[EntityItem] = Field(default_factory=list, title="Entities")
    trackers: list[TrackerHit] = Field(default_factory=list, title="Trackers")
    members: list[MemberItem] = Field(default_factory=list, title="Members")
    call_score_criteria: list[CallScoreCriterion] = Field(default_factory=list, title="Call Score Criteria")
    # plumbing
    links: Links = Field(default_factory=Links, title="Links")
    warnings: list[InsightWarning] = Field(
        default_factory=list, title="Warnings", description="Parts that could not be read (left empty)."
    )
