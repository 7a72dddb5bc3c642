"""Generate the custom app's interface and samples files from the facade's flat contract.

    python make_blueprints/scripts/build_app_interfaces.py

`connector/insights/contract.py` (`FlatInsights`) is the only definition of the flat output. The
Make modules that output it (Process Conversation, Append to a Conversation, Get Insights) get
their `interface` from the model's fields and titles, and their `samples` from the facade's own
sample conversation flattened by the facade's code (`connector.insights.samples.sample_flat`), so
every text field has the real format. The trigger (Watch Conversations Processed) gets the fields
of the facade's delivery models (`CompletedEvent`, then what only `FailedEvent` adds). Ask About a
Conversation gets the fields of the facade's answer model (`AskAnswer`) followed by the
`rpc://askFieldOutputs` reference, which adds one output per field key the user mapped. The test
suite fails when the files on disk differ from what this script writes.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path

from pydantic import BaseModel

from connector.api.ask import AskAnswer
from connector.api.models import CompletedEvent, FailedEvent
from connector.insights.contract import FlatInsights
from connector.insights.samples import sample_flat

APP = Path(__file__).resolve().parents[1] / "app"

#: modules whose output is the flat insights object (module directory -> extra fields)
FLAT_MODULES = ("process-conversation", "append-conversation", "get-insights")
TRIGGER_MODULE = "watch-conversation-processed"
ASK_MODULE = "ask-about-conversation"
#: the RPC that turns the mapped fields into output fields (one per key, typed)
ASK_FIELDS_RPC = "rpc://askFieldOutputs"
#: the question the facade's sample conversation answers (its flat ``answer``)
SAMPLE_QUESTION = "Which competitor did the customer mention?"

#: a fixed event ID for the trigger's sample (a delivery's own is a fresh UUID)
SAMPLE_EVENT_ID = "9b2e4f7a-3c1d-4e5f-8a9b-0c1d2e3f4a5b"


def _make_type(annotation) -> tuple[str, object | None]:
    """Map a pydantic annotation to a Make interface type and its ``spec`` (or None)."""
    origin = typing.get_origin(annotation)
    if origin in (list, list):
        (item,) = typing.get_args(annotation)
        return "array", interface_for(item)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "collection", interface_for(annotation)
    if origin in (dict, dict):
        return "collection", None  # keys chosen by the caller (answers): Make shows what arrives
    if origin is typing.Literal or annotation is str:
        return "text", None
    if origin in (typing.Union, types.UnionType):
        rest = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _make_type(rest[0]) if len(rest) == 1 else ("text", None)
    if annotation is bool:
        return "boolean", None
    if annotation is int:
        return "integer", None
    if annotation is float:
        return "number", None
    raise TypeError(f"no Make type for {annotation!r}")


def _label(name: str) -> str:
    """``event_id`` -> ``Event ID``: a label for a field without a title."""
    return " ".join("ID" if w == "id" else w.capitalize() for w in name.split("_"))


def interface_for(model: type[BaseModel]) -> list[dict]:
    """Return a Make interface (list of output fields) for a pydantic model, in field order."""
    out = []
    for name, field in model.model_fields.items():
        kind, spec = _make_type(field.annotation)
        item = {"name": name, "type": kind, "label": field.title or _label(name)}
        if spec is not None:
            item["spec"] = spec
        out.append(item)
    return out


def sample() -> dict:
    """Return the facade's sample conversation as flat insights (flattened by the facade itself)."""
    return sample_flat().model_dump(mode="json")


def delivery_interface() -> list[dict]:
    """Return the trigger's output: the delivery models' own fields first, the flat insights, then the failure fields."""
    flat = interface_for(FlatInsights)
    names = {f["name"] for f in flat}
    completed = interface_for(CompletedEvent)
    own = [f for f in completed if f["name"] not in names]
    failed = [f for f in interface_for(FailedEvent) if f["name"] not in {g["name"] for g in completed}]
    return own + flat + failed


def delivery_sample() -> dict:
    """Return one completed delivery body, validated by the facade's event model."""
    return CompletedEvent.model_validate({**sample(), "event_id": SAMPLE_EVENT_ID}).model_dump(mode="json")


def ask_interface() -> list:
    """Return Ask About a Conversation's output: the answer model's fields, then one per mapped field key (RPC)."""
    return [*interface_for(AskAnswer), ASK_FIELDS_RPC]


def ask_sample() -> dict:
    """Return the answer to a question about the sample conversation, validated by the facade's model."""
    flat = sample()
    body = {"conversation_id": flat["conversation_id"], "question": SAMPLE_QUESTION, "answer": flat["answer"]}
    return AskAnswer.model_validate(body).model_dump(mode="json")


def expected_files() -> dict[Path, object]:
    """Return every generated file (path under app/ -> JSON content)."""
    flat = interface_for(FlatInsights)
    files: dict[Path, object] = {}
    for module in FLAT_MODULES:
        files[APP / "modules" / module / f"{module}.interface.iml.json"] = flat
        files[APP / "modules" / module / f"{module}.samples.iml.json"] = sample()
    t = TRIGGER_MODULE
    files[APP / "modules" / t / f"{t}.interface.iml.json"] = delivery_interface()
    files[APP / "modules" / t / f"{t}.samples.iml.json"] = delivery_sample()
    a = ASK_MODULE
    files[APP / "modules" / a / f"{a}.interface.iml.json"] = ask_interface()
    files[APP / "modules" / a / f"{a}.samples.iml.json"] = ask_sample()
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
