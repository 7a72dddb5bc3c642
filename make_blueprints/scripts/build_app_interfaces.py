"""Generate the custom app's interface and samples files from the facade's flat contract.

    python make_blueprints/scripts/build_app_interfaces.py

`connector/insights/contract.py` (`FlatInsights`) is the only definition of the flat output. The
Make modules that output it (Process Conversation, Append to a Conversation, Get Insights,
Conversation Processed) get their `interface` from the model's fields and titles, and their
`samples` from one example that is validated by the (strict) model. The test suite fails when
the files on disk differ from what this script writes.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path

from pydantic import BaseModel

from connector.insights.contract import FlatInsights

APP = Path(__file__).resolve().parents[1] / "app"

#: modules whose output is the flat insights object (module directory -> extra fields)
FLAT_MODULES = ("process-conversation", "append-conversation", "get-insights")
TRIGGER_MODULE = "watch-conversation-processed"

#: the fields a callback or hook delivery adds to the flat object (docs/api.md "Callback and hook deliveries")
DELIVERY_FIELDS = [
    {"name": "event", "type": "text", "label": "Event"},
    {"name": "event_id", "type": "text", "label": "Event ID"},
    {
        "name": "error",
        "type": "collection",
        "label": "Error (failed conversations)",
        "spec": [
            {"name": "code", "type": "text", "label": "Code"},
            {"name": "message", "type": "text", "label": "Message"},
        ],
    },
]

EXAMPLE = {
    "conversation_id": "5678901234567890",
    "job_id": "0d5f2c7e-1b2a-4c3d-9e8f-7a6b5c4d3e2f",
    "status": "completed",
    "name": "Weekly sync with Acme",
    "start_time": "2026-11-20T15:00:00Z",
    "end_time": "2026-11-20T15:30:00Z",
    "duration_seconds": 1800.0,
    "language": "en-US",
    "speakers": "Alice, Bob",
    "speaker_count": 2,
    "talk_time": "Alice 62%, Bob 38%",
    "summary": "Alice and Bob reviewed the renewal; Bob will send a revised quote by Friday.",
    "topics": "renewal, pricing, onboarding",
    "action_items_text": "Bob: send the revised quote by Friday",
    "questions_text": "Can you match Globex's price?",
    "follow_ups_text": "Schedule onboarding for next week",
    "entities_text": "organization: Globex\ndate: Friday",
    "trackers_text": "Competitor (1): Can you match Globex's price?",
    "transcript_text": "Alice: Can you match Globex's price?\nBob: I will send a revised quote by Friday.",
    "transcript_truncated": False,
    "topic_count": 3,
    "action_item_count": 1,
    "question_count": 1,
    "follow_up_count": 1,
    "tracker_hit_count": 1,
    "sentiment_score": -0.4,
    "sentiment_label": "negative",
    "has_action_items": True,
    "is_negative": True,
    "tracker_names": "Competitor",
    "crm_note": "Weekly sync with Acme (30 min, Alice, Bob)\nSummary: Alice and Bob reviewed the renewal.\nAction items:\n- Bob: send the revised quote by Friday",
    "slack_text": "*Weekly sync with Acme* (30 min)\n>Alice and Bob reviewed the renewal.\n*Action items*\n• Bob: send the revised quote by Friday",
    "slack_blocks": "[{\"type\": \"section\", \"text\": {\"type\": \"mrkdwn\", \"text\": \"*Weekly sync with Acme*\"}}]",
    "action_items": [
        {"text": "Send the revised quote by Friday", "assignee": "Bob", "assignee_email": "bob@example.com",
         "due": "2026-11-27T17:00:00Z", "score": 0.92}
    ],
    "questions": [{"text": "Can you match Globex's price?", "asked_by": "Alice"}],
    "follow_ups": [{"text": "Schedule onboarding for next week", "assignee": "Alice", "assignee_email": "",
                    "due": "", "score": 0.81}],
    "topic_list": [
        {"text": "renewal", "score": 0.9, "sentiment": "neutral"},
        {"text": "pricing", "score": 0.8, "sentiment": "negative"},
        {"text": "onboarding", "score": 0.5, "sentiment": "positive"},
    ],
    "entities": [{"type": "organization", "value": "Globex", "text": "Globex"}],
    "trackers": [{"name": "Competitor", "count": 1, "example": "Can you match Globex's price?"}],
    "members": [
        {"name": "Alice", "email": "alice@example.com", "talk_seconds": 1116.0, "talk_percent": 62.0, "wpm": 150},
        {"name": "Bob", "email": "bob@example.com", "talk_seconds": 684.0, "talk_percent": 38.0, "wpm": 140},
    ],
    "links": {
        "insights": "https://connector.example.com/v1/conversations/5678901234567890/insights",
        "job": "https://connector.example.com/v1/jobs/0d5f2c7e-1b2a-4c3d-9e8f-7a6b5c4d3e2f",
    },
    "warnings": [],
}


def _make_type(annotation) -> tuple[str, object | None]:
    """Map a pydantic annotation to a Make interface type and its ``spec`` (or None)."""
    origin = typing.get_origin(annotation)
    if origin in (list, typing.List):
        (item,) = typing.get_args(annotation)
        return "array", interface_for(item)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "collection", interface_for(annotation)
    if origin is typing.Literal or annotation is str:
        return "text", None
    if origin in (typing.Union, types.UnionType):
        return "text", None
    if annotation is bool:
        return "boolean", None
    if annotation is int:
        return "integer", None
    if annotation is float:
        return "number", None
    raise TypeError(f"no Make type for {annotation!r}")


def interface_for(model: type[BaseModel]) -> list[dict]:
    """Return a Make interface (list of output fields) for a pydantic model, in field order."""
    out = []
    for name, field in model.model_fields.items():
        kind, spec = _make_type(field.annotation)
        item = {"name": name, "type": kind, "label": field.title or name}
        if spec is not None:
            item["spec"] = spec
        out.append(item)
    return out


def sample() -> dict:
    """Return the example flat insights object, validated by the strict contract model."""
    return FlatInsights.model_validate(EXAMPLE).model_dump(mode="json")


def expected_files() -> dict[Path, object]:
    """Return every generated file (path under app/ -> JSON content)."""
    flat = interface_for(FlatInsights)
    files: dict[Path, object] = {}
    for module in FLAT_MODULES:
        files[APP / "modules" / module / f"{module}.interface.iml.json"] = flat
        files[APP / "modules" / module / f"{module}.samples.iml.json"] = sample()
    t = TRIGGER_MODULE
    files[APP / "modules" / t / f"{t}.interface.iml.json"] = DELIVERY_FIELDS[:2] + flat + DELIVERY_FIELDS[2:]
    files[APP / "modules" / t / f"{t}.samples.iml.json"] = {
        "event": "conversation.completed",
        "event_id": "9b2e4f7a-3c1d-4e5f-8a9b-0c1d2e3f4a5b",
        **sample(),
    }
    return files


def render(content: object) -> str:
    """Serialise a file the way it is stored (2-space JSON, trailing newline)."""
    return json.dumps(content, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    for path, content in expected_files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(content), encoding="utf-8")
        print(f"wrote {path.relative_to(APP.parent)}")


if __name__ == "__main__":
    main()
