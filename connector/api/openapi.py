"""The OpenAPI document: flask-openapi3 generates it from the route models; this module adds
what it cannot infer (the submit body in its three forms, the raw insights alternative) and
serves it at /openapi.json, with the bundled Swagger UI at /docs."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, redirect
from flask_openapi3 import OpenAPI
from pydantic import BaseModel

from connector.api.models import CompletedEvent, FailedEvent
from connector.insights.contract import FlatInsights
from connector.insights.raw import RawInsights
from connector.jobs.options import ConversationInput

REF = "#/components/schemas/{model}"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def submit_request_body() -> dict[str, Any]:
    """The requestBody of submit/append: JSON, multipart (file last), or a raw audio/video body."""
    form_props = {
        name: {"type": "string", "description": "As in the JSON body (lists as JSON text or comma-joined)."}
        for name in ConversationInput.model_fields
        if name != "messages"
    }
    form_props["file"] = {"type": "string", "format": "binary", "description": "Audio file or mp4 video; put it last."}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _ref("ConversationInput")},
                "multipart/form-data": {"schema": {"type": "object", "properties": form_props, "required": ["file"]}},
                "audio/*": {
                    "schema": {"type": "string", "format": "binary"},
                    "description": "Options in the query string.",
                },
                "video/mp4": {"schema": {"type": "string", "format": "binary"}},
            },
        },
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 255},
                "description": "Repeats with the same key return the original submission (a new callback_url also gets the result).",
            },
        ],
    }


def raw_alternative() -> dict[str, Any]:
    """Document that format=raw answers RawInsights."""
    return {"x-raw-format-schema": _ref("RawInsights")}


def _deliveries() -> dict[str, Any]:
    """OpenAPI 3.1 `webhooks`: what the facade POSTs to callback URLs and hook targets."""
    headers = {
        "X-Connector-Event": {
            "schema": {"type": "string"},
            "description": "conversation.completed or conversation.failed",
        },
        "X-Connector-Event-Id": {"schema": {"type": "string"}, "description": "Dedupe on it (same on retries)."},
        "X-Connector-Signature": {
            "schema": {"type": "string"},
            "description": "sha256=<hex HMAC-SHA256 of the raw body>, when a secret is set.",
        },
    }
    out: dict[str, Any] = {}
    for event, model in (("conversation.completed", "CompletedEvent"), ("conversation.failed", "FailedEvent")):
        out[event] = {
            "post": {
                "summary": f"Delivery of {event} to a callback_url or hook target",
                "parameters": [{"name": k, "in": "header", **v} for k, v in headers.items()],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(model)}}},
                "responses": {"2XX": {"description": "Delivered; anything else is retried with backoff for a day."}},
            }
        }
    return out


def _add_models(spec: dict[str, Any], *models: type[BaseModel]) -> None:
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for model in models:
        schema = model.model_json_schema(ref_template=REF)
        for name, sub in schema.pop("$defs", {}).items():
            schemas.setdefault(name, sub)
        schemas[model.__name__] = schema


def install(app: OpenAPI) -> None:
    """Complete the generated document and serve it at /openapi.json and the UI at /docs."""
    original = app.generate_spec_json

    def generate() -> None:
        original()
        spec = app.spec_json
        _add_models(spec, ConversationInput, RawInsights, CompletedEvent, FailedEvent)
        spec["webhooks"] = _deliveries()
        if "FlatInsights" in spec["components"]["schemas"]:
            from connector.insights.samples import sample_flat

            spec["components"]["schemas"]["FlatInsights"]["examples"] = [sample_flat().model_dump(mode="json")]
        for path, item in spec.get("paths", {}).items():
            for operation in item.values():
                if isinstance(operation, dict) and "401" in operation.get("responses", {}):
                    operation["responses"].setdefault(
                        "429",
                        {
                            **operation["responses"]["401"],
                            "description": "Too many requests: the key's rate limit, or too many failed "
                            "authentications from this address (see Retry-After).",
                        },
                    )
            if path.startswith("/v1/conversations") and "put" in item:
                item["put"]["parameters"] = [p for p in item["put"].get("parameters", [])] + [
                    p for p in submit_request_body()["parameters"] if p not in item["put"].get("parameters", [])
                ]

    app.generate_spec_json = generate  # type: ignore[method-assign]

    @app.get("/openapi.json", doc_ui=False)
    def openapi_json() -> Response:
        return jsonify(app.api_doc)

    @app.get("/docs", doc_ui=False)
    def docs() -> Response:
        return redirect("/docs/swagger", code=302)  # type: ignore[return-value]


__all__ = ["FlatInsights", "install", "raw_alternative", "submit_request_body"]
