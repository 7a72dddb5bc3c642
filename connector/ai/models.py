"""Request models of the AI features: what a caller asks Nebula, validated once (pure pydantic)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FieldType = Literal["string", "number", "boolean", "date", "enum"]
RESERVED_KEYS = frozenset({"conversation_id", "question", "answer", "warnings", "answers"})
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class AskField(BaseModel):
    """One value to extract from the conversation, typed for a CRM field."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(
        min_length=1,
        max_length=40,
        examples=["budget"],
        description="Output key: lower case letters, digits and _, starting with a letter.",
    )
    description: str = Field(
        min_length=1,
        max_length=500,
        examples=["the budget the customer named"],
        description="What to find, in plain words.",
    )
    type: FieldType = Field("string", description="string, number, boolean, date (YYYY-MM-DD) or enum.")
    options: list[str] = Field(default_factory=list, max_length=50, description="The allowed values of an enum field.")

    @field_validator("key")
    @classmethod
    def _key_shape(cls, value: str) -> str:
        if not _KEY.match(value):
            raise ValueError("key must be lower case letters, digits and _, starting with a letter (max 40)")
        if value in RESERVED_KEYS:
            raise ValueError(f"key {value!r} is reserved; choose another")
        return value

    @model_validator(mode="after")
    def _enum_has_options(self) -> AskField:
        if self.type == "enum" and not [o for o in self.options if o.strip()]:
            raise ValueError(f"field {self.key!r} is an enum: give its options")
        if self.type != "enum" and self.options:
            raise ValueError(f"field {self.key!r}: options are only for type enum")
        return self


def unique_keys(fields: list[AskField] | None) -> list[AskField] | None:
    """Refuse two fields with the same key."""
    if fields:
        keys = [f.key for f in fields]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"field keys must be unique (repeated: {', '.join(duplicates)})")
    return fields


class AskRequest(BaseModel):
    """``POST /v1/conversations/{id}/ask``: a question, or fields to extract."""

    model_config = ConfigDict(extra="forbid")

    question: str | None = Field(None, min_length=1, max_length=2000, examples=["What budget did the customer name?"])
    fields: list[AskField] | None = Field(None, min_length=1, max_length=30)
    wait: float | None = Field(None, ge=0, description="Seconds to wait for the job and for Nebula.")

    _unique = field_validator("fields")(unique_keys)

    @model_validator(mode="after")
    def _one_of(self) -> AskRequest:
        if (self.question is None) == (self.fields is None):
            raise ValueError("send either question or fields")
        return self
