"""Submit options, read from the JSON body *and* the query string, validated with Joi-style messages.

Symbl's clients put options in different places (the reference puts them in the body, the docs'
tutorials and the Python SDK in the query, file uploads only in the query), so every option is
looked up in the body first, then in the query. Query values are strings: ``"true"``/``"false"``
booleans, JSON-encoded lists/objects, and the SDK's character-by-character ``customVocabulary``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from werkzeug.datastructures import MultiDict

from connector.sandbox.errors import bad_request

LANGUAGES = [
    "en-US",
    "en-GB",
    "en-AU",
    "en-IE",
    "en-IN",
    "en-ZA",
    "ru-RU",
    "fr-CA",
    "fr-FR",
    "de-DE",
    "it-IT",
    "nl-NL",
    "ja-JP",
    "es-US",
    "es-ES",
    "ar-SA",
    "hi-IN",
    "pt-BR",
    "pt-PT",
    "fa-IR",
]


@dataclass
class SubmitOptions:
    """Everything a submit may ask for (absent options keep Symbl's defaults)."""

    name: str | None = None
    confidence_threshold: float = 0.5
    detect_phrases: bool = False
    detect_entities: bool = False
    entities: list[dict[str, Any]] = field(default_factory=list)
    trackers: list[dict[str, Any]] = field(default_factory=list)
    enable_all_trackers: bool = False
    saved_trackers: list[dict[str, Any]] = field(default_factory=list)  # filled at submit when enabled
    enable_summary: bool = False
    webhook_url: str | None = None
    custom_vocabulary: list[str] = field(default_factory=list)
    language_code: str = "en-US"
    mode: str = "default"
    separate_channels: bool = False
    channel_metadata: list[dict[str, Any]] = field(default_factory=list)
    diarization: bool = False
    speaker_count: int | None = None
    call_score: bool = False  # "callScore" in features.featureList
    scorecard_id: str | None = None  # features.callScore.scorecardId
    conversation_type: str = "general"  # conversationType: sales | general
    sales_stage: str | None = None  # metadata.salesStage
    prospect_name: str | None = None  # metadata.prospectName


class _Source:
    """Look an option up in the body, then the query string."""

    def __init__(self, body: dict[str, Any], query: MultiDict) -> None:
        self.body = body
        self.query = query

    def get(self, key: str) -> tuple[bool, Any, bool]:
        """Return ``(present, value, from_query)``."""
        if key in self.body and self.body[key] is not None:
            return True, self.body[key], False
        if key in self.query:
            return True, self.query.get(key), True
        return False, None, False


def _boolean(src: _Source, key: str, default: bool = False) -> bool:
    present, value, _ = src.get(key)
    if not present:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise bad_request(f'"{key}" must be a boolean')


def _number(src: _Source, key: str, default: float, low: float, high: float) -> float:
    present, value, _ = src.get(key)
    if not present:
        return default
    try:
        number = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None or number != number:
        raise bad_request(f'"{key}" must be a number')
    if number < low:
        raise bad_request(f'"{key}" must be greater than or equal to {low:g}')
    if number > high:
        raise bad_request(f'"{key}" must be less than or equal to {high:g}')
    return number


def _json_list(src: _Source, key: str) -> list[Any]:
    present, value, from_query = src.get(key)
    if not present:
        return []
    if from_query and isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise bad_request(f'"{key}" must be an array') from None
    if not isinstance(value, list):
        raise bad_request(f'"{key}" must be an array')
    return value


def _custom_vocabulary(src: _Source) -> list[str]:
    key = "customVocabulary"
    if key in src.body and src.body[key] is not None:
        value = src.body[key]
    else:
        values = src.query.getlist(key)
        if not values:
            return []
        if len(values) > 1 and all(len(v) <= 1 for v in values):
            values = ["".join(values)]  # the Python SDK explodes a JSON string into single characters
        if len(values) == 1:
            text = values[0].strip()
            try:
                value = json.loads(text) if text.startswith("[") else [p for p in text.split(",") if p]
            except ValueError:
                raise bad_request(f'"{key}" must be an array') from None
        else:
            value = values
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_request(f'"{key}" must be an array of strings')
    return value


def _check_entities(entities: list[Any]) -> list[dict[str, Any]]:
    for i, item in enumerate(entities):
        if not isinstance(item, dict):
            raise bad_request(f'"entities[{i}]" must be of type object')
        if not isinstance(item.get("customType"), str) or not item["customType"]:
            raise bad_request(f'"entities[{i}].customType" is required')
        if not isinstance(item.get("text"), str) or not item["text"]:
            raise bad_request(f'"entities[{i}].text" is required')
    return entities


def _check_trackers(trackers: list[Any]) -> list[dict[str, Any]]:
    for i, item in enumerate(trackers):
        if not isinstance(item, dict):
            raise bad_request(f'"trackers[{i}]" must be of type object')
        if not isinstance(item.get("name"), str) or not item["name"].strip():
            raise bad_request(f'"trackers[{i}].name" is required')
        vocabulary = item.get("vocabulary")
        if not isinstance(vocabulary, list) or not vocabulary:
            raise bad_request(f'"trackers[{i}].vocabulary" is required')
        if not all(isinstance(v, str) and v.strip() for v in vocabulary):
            raise bad_request(f'"trackers[{i}].vocabulary" must contain only non-empty strings')
    return trackers


def check_url(value: Any, key: str = "url") -> str:
    """Return ``value`` if it is an absolute http(s) URL, else raise a 400."""
    if not isinstance(value, str) or not value.strip():
        raise bad_request(f'"{key}" is required' if value in (None, "") else f'"{key}" must be a string')
    parsed = urlparse(value.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise bad_request(f'"{key}" must be a valid uri')
    return value.strip()


SALES_STAGES = ("qualification", "discovery", "demo", "negotiation", "general")


def _json_object(src: _Source, key: str) -> dict[str, Any]:
    present, value, from_query = src.get(key)
    if not present:
        return {}
    if from_query and isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise bad_request(f'"{key}" must be of type object') from None
    if not isinstance(value, dict):
        raise bad_request(f'"{key}" must be of type object')
    return value


def _call_score(src: _Source, opts: SubmitOptions) -> None:
    """features.featureList / features.callScore, conversationType and metadata (Call Score)."""
    features = _json_object(src, "features")
    feature_list = features.get("featureList", [])
    if not isinstance(feature_list, list) or not all(isinstance(f, str) for f in feature_list):
        raise bad_request('"features.featureList" must be an array of strings')
    opts.call_score = "callScore" in feature_list
    call_score = features.get("callScore", {})
    if not isinstance(call_score, dict):
        raise bad_request('"features.callScore" must be of type object')
    if call_score.get("scorecardId") is not None:
        if not isinstance(call_score["scorecardId"], str):
            raise bad_request('"features.callScore.scorecardId" must be a string')
        opts.scorecard_id = call_score["scorecardId"]
    present, kind, _ = src.get("conversationType")
    if present:
        if kind not in ("sales", "general"):
            raise bad_request('"conversationType" must be one of [sales, general]')
        opts.conversation_type = kind
    metadata = _json_object(src, "metadata")
    stage = metadata.get("salesStage")
    if stage is not None:
        if stage not in SALES_STAGES:
            raise bad_request(f'"metadata.salesStage" must be one of [{", ".join(SALES_STAGES)}]')
        opts.sales_stage = stage
    prospect = metadata.get("prospectName")
    if prospect is not None:
        if not isinstance(prospect, str):
            raise bad_request('"metadata.prospectName" must be a string')
        opts.prospect_name = prospect


def parse_options(body: dict[str, Any], query: MultiDict) -> SubmitOptions:
    """Read and validate every submit option from ``body`` and ``query``."""
    src = _Source(body, query)
    opts = SubmitOptions()
    present, name, _ = src.get("name")
    if present:
        if not isinstance(name, str):
            raise bad_request('"name" must be a string')
        opts.name = name or None
    opts.confidence_threshold = _number(src, "confidenceThreshold", 0.5, 0.0, 1.0)
    opts.detect_phrases = _boolean(src, "detectPhrases")
    opts.detect_entities = _boolean(src, "detectEntities")
    opts.entities = _check_entities(_json_list(src, "entities") or _json_list(src, "customEntities"))
    opts.trackers = _check_trackers(_json_list(src, "trackers"))
    opts.enable_all_trackers = _boolean(src, "enableAllTrackers") or _boolean(src, "enableAllTracker")
    opts.enable_summary = _boolean(src, "enableSummary")
    present, hook, _ = src.get("webhookUrl")
    if present and hook != "":
        opts.webhook_url = check_url(hook, "webhookUrl")
    opts.custom_vocabulary = _custom_vocabulary(src)
    present, language, _ = src.get("languageCode")
    if present:
        if language not in LANGUAGES:
            raise bad_request(f'"languageCode" must be one of [{", ".join(LANGUAGES)}]')
        opts.language_code = language
    present, mode, _ = src.get("mode")
    if present:
        if mode not in ("phone", "default"):
            raise bad_request('"mode" must be one of [phone, default]')
        opts.mode = mode
    opts.separate_channels = _boolean(src, "enableSeparateRecognitionPerChannel")
    opts.channel_metadata = _json_list(src, "channelMetadata")
    opts.diarization = _boolean(src, "enableSpeakerDiarization")
    present, count, _ = src.get("diarizationSpeakerCount")
    if present:
        try:
            opts.speaker_count = int(str(count))
        except ValueError:
            raise bad_request('"diarizationSpeakerCount" must be an integer') from None
        if opts.speaker_count < 1:
            raise bad_request('"diarizationSpeakerCount" must be greater than or equal to 1')
    _call_score(src, opts)
    return opts
