"""Map our options onto Symbl's request bodies and query strings (docs/symbl-api-notes.md, Submitting work).

Text and URL submits take options in the JSON body; file uploads take them in the query string
(booleans as "true"/"false", lists JSON-encoded). Diarization goes in the query string on URL
submits, as Symbl's docs and SDK send it. Pure functions: no IO."""

from __future__ import annotations

import json
from typing import Any

from connector.jobs.options import ConversationInput, ConversationOptions, MessageIn


def _iso(value: Any) -> str:
    text = value.isoformat().replace("+00:00", "Z")
    return text if text.endswith("Z") or "+" in text[10:] else text + "Z"


def common_options(options: ConversationOptions, webhook_url: str | None) -> dict[str, Any]:
    """Options every submit kind accepts."""
    body: dict[str, Any] = {}
    if options.name:
        body["name"] = options.name
    if options.confidence_threshold is not None:
        body["confidenceThreshold"] = options.confidence_threshold
    if options.detect_phrases:
        body["detectPhrases"] = True
    body["detectEntities"] = options.detect_entities
    if options.trackers:
        body["trackers"] = [{"name": t.name, "vocabulary": t.vocabulary} for t in options.trackers]
    if options.enable_all_trackers:
        body["enableAllTrackers"] = True
    if options.enable_summary:
        body["enableSummary"] = True
    if options.call_score:
        features: dict[str, Any] = {"featureList": ["callScore", "insights"]}
        if options.scorecard_id:
            features["callScore"] = {"scorecardId": options.scorecard_id}
        body["features"] = features
    if options.conversation_type:
        body["conversationType"] = options.conversation_type
    metadata = {
        key: value
        for key, value in (("salesStage", options.sales_stage), ("prospectName", options.prospect_name))
        if value
    }
    if metadata:
        body["metadata"] = metadata
    if webhook_url:
        body["webhookUrl"] = webhook_url
    return body


def media_options(options: ConversationOptions) -> dict[str, Any]:
    """Options only audio and video submits accept."""
    body: dict[str, Any] = {}
    if options.custom_vocabulary:
        body["customVocabulary"] = options.custom_vocabulary
    if options.language:
        body["languageCode"] = options.language
    if options.mode:
        body["mode"] = options.mode
    return body


def diarization_params(options: ConversationOptions) -> dict[str, str]:
    """enableSpeakerDiarization / diarizationSpeakerCount as query parameters."""
    params: dict[str, str] = {}
    if options.speaker_count is not None or options.diarization:
        params["enableSpeakerDiarization"] = "true"
    if options.speaker_count is not None:
        params["diarizationSpeakerCount"] = str(options.speaker_count)
    return params


def symbl_message(message: MessageIn) -> dict[str, Any]:
    """One message in Symbl's text shape."""
    out: dict[str, Any] = {"payload": {"content": message.text, "contentType": "text/plain"}}
    sender = {key: value for key, value in (("name", message.speaker), ("userId", message.email)) if value}
    if sender:
        out["from"] = sender
    duration = {}
    if message.start_time:
        duration["startTime"] = _iso(message.start_time)
    if message.end_time:
        duration["endTime"] = _iso(message.end_time)
    if duration:
        out["duration"] = duration
    return out


def text_body(request: ConversationInput, webhook_url: str | None) -> dict[str, Any]:
    """The JSON body of POST/PUT /v1/process/text."""
    body = common_options(request.options(), webhook_url)
    body["messages"] = [symbl_message(m) for m in request.text_messages()]
    return body


def url_body(request: ConversationInput, webhook_url: str | None) -> dict[str, Any]:
    """The JSON body of POST/PUT /v1/process/{audio,video}/url."""
    options = request.options()
    body: dict[str, Any] = {"url": request.url}
    body.update(common_options(options, webhook_url))
    body.update(media_options(options))
    return body


def file_query(options: ConversationOptions, webhook_url: str | None) -> dict[str, str]:
    """The query string of POST/PUT /v1/process/{audio,video} (raw bytes in the body)."""
    merged = {**common_options(options, webhook_url), **media_options(options)}
    params: dict[str, str] = {}
    for key, value in merged.items():
        if isinstance(value, bool):
            params[key] = "true" if value else "false"
        elif isinstance(value, (list, dict)):
            params[key] = json.dumps(value, separators=(",", ":"))
        else:
            params[key] = str(value)
    params.update(diarization_params(options))
    return params
