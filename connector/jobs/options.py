"""What a caller asks for: the conversation input and the Symbl options, validated once.

These models are the request edge for both JSON bodies and form/query fields, and the source of
the OpenAPI schema for submit and append. `payloads.py` maps them onto Symbl's bodies."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from connector.ai.models import AskField, unique_keys
from connector.insights.contract import EXTRA_PARTS, INSIGHT_PARTS

_SPEAKER_LINE = re.compile(r"^\s*([A-Za-z0-9][\w .'\-@()]{0,47}?)\s*:\s+(\S.*)$")
VIDEO_EXTENSIONS = (".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi")


class TrackerSpec(BaseModel):
    """An inline tracker: a name and the phrases that count as a hit."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, examples=["Competitor"])
    vocabulary: list[str] = Field(min_length=1, max_length=500, examples=[["Acme", "Globex"]])

    @field_validator("vocabulary")
    @classmethod
    def _phrases_not_blank(cls, value: list[str]) -> list[str]:
        phrases = [phrase.strip() for phrase in value]
        if any(not phrase for phrase in phrases):
            raise ValueError("tracker phrases must not be empty")
        return phrases


class MessageIn(BaseModel):
    """One message of a text conversation."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=100_000)
    speaker: str = Field("", max_length=200)
    email: str = Field("", max_length=320)
    start_time: datetime | None = None
    end_time: datetime | None = None

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("message text must not be empty")
        return value

    @field_validator("start_time", "end_time", mode="before")
    @classmethod
    def _iso_text(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, str):
            raise ValueError("must be an ISO-8601 date-time string, e.g. 2024-05-01T15:00:00Z")
        return value


def _as_list(value: Any) -> Any:
    """Accept a list, a JSON list in a string, or a comma-joined string (form and query fields)."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except ValueError:
                return value
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


class ConversationOptions(BaseModel):
    """Symbl options, in snake_case."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=300, description="The conversation's name.")
    language: str | None = Field(
        None, pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$", description="BCP-47 code for audio/video, e.g. en-US."
    )
    speaker_count: int | None = Field(None, ge=1, le=32, description="Number of speakers; turns on diarization.")
    diarization: bool | None = Field(None, description="Separate speakers in audio/video.")
    detect_entities: bool = Field(True, description="Detect people, organisations, dates ...")
    enable_summary: bool = Field(True, description="Ask Symbl for a summary.")
    trackers: list[TrackerSpec] = Field(default_factory=list, max_length=50, description="Inline trackers.")
    enable_all_trackers: bool = Field(False, description="Also detect every saved tracker of your key (sent inline).")
    tracker_names: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="Apply these saved trackers (by exact name); the facade sends their phrases inline as trackers.",
    )
    confidence_threshold: float | None = Field(None, ge=0.5, le=1.0, description="Minimum insight confidence.")
    custom_vocabulary: list[str] = Field(default_factory=list, max_length=1000, description="ASR hints (audio/video).")
    detect_phrases: bool = Field(False, description="Detect key phrases in messages.")
    mode: Literal["phone", "default"] | None = Field(None, description="phone for 8 kHz call audio.")
    call_score: bool = Field(False, description="Ask Symbl for a Call Score (0-100 with criteria).")
    conversation_type: Literal["sales", "general"] | None = Field(
        None, description="sales or general; scores a sales call on the sales process too."
    )
    sales_stage: Literal["qualification", "discovery", "demo", "negotiation", "general"] | None = Field(
        None, description="The deal's stage, for the Call Score."
    )
    prospect_name: str | None = Field(None, max_length=200, description="The prospect (company), for the Call Score.")
    scorecard_id: str | None = Field(
        None,
        max_length=100,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="A Symbl scorecard to score with (default: Symbl's built-in).",
    )
    summary_page: bool = Field(False, description="Create Symbl's hosted summary page; its link is summary_url.")

    @field_validator("trackers", mode="before")
    @classmethod
    def _trackers_from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as exc:
                raise ValueError("trackers must be a JSON list of {name, vocabulary}") from exc
        return value

    _lists = field_validator("custom_vocabulary", "tracker_names", mode="before")(_as_list)


class ConversationInput(ConversationOptions):
    """A submit or append: one input (transcript, messages or url) plus options and delivery."""

    transcript: str | None = Field(None, max_length=2_000_000, description='Plain text, one "Speaker: line" per line.')
    messages: list[MessageIn] | None = Field(None, min_length=1, max_length=20_000)
    url: str | None = Field(None, max_length=4096, description="A public http(s) URL of an audio or video file.")
    type: Literal["audio_url", "video_url"] | None = Field(None, description="Inferred from the URL when omitted.")
    wait: float | None = Field(None, ge=0, description="Seconds to wait for the result (0 answers at once).")
    include: list[str] | None = Field(None, description="Insight parts to read; default all.")
    callback_url: str | None = Field(
        None,
        max_length=2048,
        description=(
            "https URL the result is POSTed to (public; sandbox mode also accepts http://127.0.0.1 and localhost)."
        ),
    )
    ask: str | None = Field(
        None,
        min_length=1,
        max_length=2000,
        description="A question for Nebula; the answer is in `answer` when the job completes.",
    )
    fields: list[AskField] | None = Field(
        None,
        min_length=1,
        max_length=30,
        description="Values for Nebula to extract; they are in `answers` (typed) when the job completes.",
    )

    _include_list = field_validator("include", mode="before")(_as_list)

    @field_validator("include")
    @classmethod
    def _known_parts(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        known = INSIGHT_PARTS + EXTRA_PARTS
        unknown = [part for part in value if part not in known]
        if unknown:
            raise ValueError(f"unknown insight part(s) {', '.join(unknown)}; choose from {', '.join(known)}")
        return value

    @field_validator("fields", mode="before")
    @classmethod
    def _fields_from_text(cls, value: Any) -> Any:
        if isinstance(value, str):  # a form field
            try:
                return json.loads(value)
            except ValueError as exc:
                raise ValueError("fields must be a JSON list of {key, description, type}") from exc
        return value

    _unique_fields = field_validator("fields")(unique_keys)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not re.match(r"^https?://[^\s/?#]+", value, re.IGNORECASE):
            raise ValueError("url must be an http:// or https:// URL")
        return value

    @field_validator("transcript")
    @classmethod
    def _transcript_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("transcript is empty")
        return value

    @model_validator(mode="after")
    def _one_input(self) -> ConversationInput:
        given = [name for name in ("transcript", "messages", "url") if getattr(self, name) is not None]
        if len(given) > 1:
            raise ValueError(f"send only one of transcript, messages or url (got {', '.join(given)})")
        return self

    @property
    def has_input(self) -> bool:
        return self.transcript is not None or self.messages is not None or self.url is not None

    def options(self) -> ConversationOptions:
        """The Symbl options alone."""
        return ConversationOptions.model_validate(self.model_dump(include=set(ConversationOptions.model_fields)))

    def extras(self) -> dict[str, Any]:
        """What the flat insights add when the job completes (kept with the submission)."""
        out: dict[str, Any] = {}
        if self.call_score:
            out["call_score"] = True
        if self.summary_page:
            out["summary_page"] = True
        if self.ask:
            out["ask"] = self.ask
        if self.fields:
            out["fields"] = [f.model_dump() for f in self.fields]
        return out

    def url_type(self) -> Literal["audio_url", "video_url"]:
        """The explicit type, else video for video file extensions, else audio."""
        if self.type:
            return self.type
        path = (self.url or "").split("?", 1)[0].split("#", 1)[0].lower()
        return "video_url" if path.endswith(VIDEO_EXTENSIONS) else "audio_url"

    def text_messages(self) -> list[MessageIn]:
        """The messages, parsing a plain transcript into one message per line."""
        if self.messages is not None:
            return self.messages
        return parse_transcript(self.transcript or "")


def parse_transcript(text: str) -> list[MessageIn]:
    """Turn ``Speaker: line`` text into messages; lines without a speaker keep the speaker empty."""
    messages: list[MessageIn] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _SPEAKER_LINE.match(line)
        if match and "://" not in match.group(1):
            messages.append(MessageIn(speaker=match.group(1).strip(), text=match.group(2).strip()))
        else:
            messages.append(MessageIn(text=line.strip()))
    return messages
