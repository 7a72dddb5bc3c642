"""The prompts sent to Nebula: the conversation's transcript, then a question or the fields to
extract. Fields ask for one JSON object so the answers can be typed (see `answers.py`)."""

from __future__ import annotations

import json

from connector.ai.models import AskField

QUESTION_SYSTEM = (
    "You answer questions about a conversation using only its transcript. Answer in one or two plain "
    "sentences. If the transcript does not contain the answer, say that the conversation does not say."
)
FIELDS_SYSTEM = (
    "You extract values from a conversation's transcript for a CRM. Reply with one JSON object and "
    "nothing else. Use null when the transcript does not give a value; never guess."
)
_TYPE_HINTS = {"string": "string", "number": "number", "boolean": "boolean", "date": "date"}


def _transcript_block(transcript: str, started: str) -> str:
    header = f"Conversation transcript (started {started}):" if started else "Conversation transcript:"
    return f"{header}\n{transcript}"


def question_prompt(transcript: str, started: str, question: str) -> str:
    """The human message for a free question."""
    return f"{_transcript_block(transcript, started)}\n\nQuestion: {' '.join(question.split())}"


def field_line(field: AskField) -> str:
    """``- key (type): description``; an enum lists its options as JSON."""
    kind = f"enum: {json.dumps(field.options, ensure_ascii=False)}" if field.type == "enum" else field.type
    return f"- {field.key} ({kind}): {' '.join(field.description.split())}"


def fields_prompt(transcript: str, started: str, fields: list[AskField]) -> str:
    """The human message for typed fields."""
    lines = "\n".join(field_line(f) for f in fields)
    return (
        f"{_transcript_block(transcript, started)}\n\n"
        "Extract these fields. Reply with only a JSON object with exactly these keys: numbers as JSON numbers "
        '(no currency signs), booleans as true or false, dates as "YYYY-MM-DD" (resolve relative dates '
        "against the conversation's start), enums as one of the listed options, and null when not stated.\n"
        f"{lines}"
    )
