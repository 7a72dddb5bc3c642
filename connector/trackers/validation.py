"""What a saved tracker must be before it is sent to Symbl (docs/symbl-api-notes.md, Management API).

The models double as the request schema of the API (OpenAPI). Rules: a name of 1-100 characters;
1-500 phrases of at most 200 characters; letters, digits, spaces and only ``.`` ``'`` ``-`` as
punctuation; no phrase twice (compared case-insensitively, since matching is case-insensitive);
names unique within one request (case-sensitive, as Symbl compares them); a Symbl body of at
most 1 MB."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_NAME = 100
MAX_PHRASES = 500
MAX_PHRASE = 200
MAX_TRACKERS = 500
MAX_BODY_BYTES = 1024 * 1024
ALLOWED_PUNCTUATION = ".'-"


class TrackerTooLarge(Exception):
    """The Symbl body would exceed 1 MB (``by_symbl``: Symbl itself refused it with 413)."""

    def __init__(self, by_symbl: bool = False) -> None:
        super().__init__("tracker body over 1 MB")
        self.by_symbl = by_symbl


def forbidden_characters(phrase: str) -> list[str]:
    """The characters Symbl refuses in a phrase (anything but letters, digits, spaces and . ' -)."""
    return sorted({c for c in phrase if not (c.isalnum() or c.isspace() or c in ALLOWED_PUNCTUATION)})


class TrackerIn(BaseModel):
    """A saved tracker to create or update: a name and the phrases that count as a hit."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        min_length=1,
        max_length=MAX_NAME,
        examples=["Competitor"],
        description="Unique in the Symbl account; case-sensitive.",
    )
    vocabulary: list[str] = Field(
        min_length=1,
        max_length=MAX_PHRASES,
        examples=[["Acme", "Globex"]],
        description="Phrases; only . ' - as punctuation; no duplicates; 5-50 recommended.",
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("the name must not be blank")
        return value

    @field_validator("vocabulary")
    @classmethod
    def _phrases(cls, value: list[str]) -> list[str]:
        phrases = [re.sub(r"\s+", " ", phrase.strip()) for phrase in value]
        problems = []
        seen: dict[str, int] = {}
        for index, phrase in enumerate(phrases):
            if not phrase:
                problems.append(f"phrase {index + 1} is blank")
            elif len(phrase) > MAX_PHRASE:
                problems.append(f"phrase {index + 1} is longer than {MAX_PHRASE} characters")
            elif bad := forbidden_characters(phrase):
                problems.append(
                    f"phrase {index + 1} ({phrase!r}) contains {' '.join(bad)}: only . ' and - "
                    "are allowed as punctuation"
                )
            elif phrase.lower() in seen:
                problems.append(f"phrase {index + 1} ({phrase!r}) repeats phrase {seen[phrase.lower()] + 1}")
            else:
                seen[phrase.lower()] = index
        if problems:
            raise ValueError("; ".join(problems))
        return phrases

    def symbl(self) -> dict[str, Any]:
        """The body Symbl takes."""
        return {"name": self.name, "vocabulary": self.vocabulary}


def duplicate_names(trackers: list[TrackerIn]) -> list[dict[str, str]]:
    """Field errors for names given twice in one request."""
    seen: set[str] = set()
    errors = []
    for index, tracker in enumerate(trackers):
        if tracker.name in seen:
            errors.append({"field": f"trackers[{index}].name", "message": f"the name {tracker.name!r} is given twice"})
        seen.add(tracker.name)
    return errors


def check_size(body: Any) -> None:
    """Raise TrackerTooLarge when Symbl would refuse ``body`` as over 1 MB."""
    if len(json.dumps(body, separators=(",", ":")).encode()) > MAX_BODY_BYTES:
        raise TrackerTooLarge()
