"""Symbl's Async API (ten submit endpoints) and Job API.

Text is split into sentence messages; audio and video (file or URL) are "recognised" as one of
the sample call scripts. Uploads are read as a stream (hashed and counted, never held whole).
A submit containing the marker ``sandbox-fail`` (text content, URL, file bytes or name) makes
its job end ``failed``.
"""

from __future__ import annotations

import hashlib
import time
from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request

from connector.sandbox.errors import bad_request
from connector.sandbox.options import SubmitOptions, check_url, parse_options
from connector.sandbox.samples import audio_speakers, recording_lines
from connector.sandbox.state import MessageBuilder, SandboxState
from connector.sandbox.transcript import (
    Message,
    script_messages,
    text_messages,
    validate_text_messages,
)

bp = Blueprint("sandbox_async", __name__)

FAIL_MARKER = "sandbox-fail"
AUDIO_TYPES = ("audio/wav", "audio/mpeg", "audio/mp3", "audio/wave")
CHUNK = 64 * 1024


def _state() -> SandboxState:
    return current_app.extensions["sandbox"]


def _json_body() -> dict[str, Any]:
    """Return the JSON object body ({} when the request is not JSON, as Symbl's parser does)."""
    if not request.is_json:
        return {}
    body = request.get_json(silent=True)
    if body is None and request.content_length:
        raise bad_request("Unexpected token in JSON body: the request body is not valid JSON")
    if body is not None and not isinstance(body, dict):
        raise bad_request('"value" must be of type object')
    return body or {}


def _created(conversation_id: str, job_id: str):
    return jsonify({"conversationId": conversation_id, "jobId": job_id}), 201


def _recording_builder(seed: str, options: SubmitOptions) -> MessageBuilder:
    def build(
        conversation_id: str, cursor: datetime | None, first: int, submitted: datetime
    ) -> tuple[list[Message], datetime]:
        speakers = audio_speakers(options.speaker_count, options.channel_metadata, options.separate_channels)
        return script_messages(conversation_id, recording_lines(seed, speakers), cursor, first, submitted)

    return build


def _submit(conversation_id: str | None, options: SubmitOptions, build: MessageBuilder, fail: bool):
    conv_id, job_id = _state().submit(g.app_id, conversation_id, options, build, fail)
    return _created(conv_id, job_id)


def _text(conversation_id: str | None):
    body = _json_body()
    raw = validate_text_messages(body)
    options = parse_options(body, request.args)
    fail = any(FAIL_MARKER in m["payload"]["content"] for m in raw)

    def build(cid: str, cursor: datetime | None, first: int, submitted: datetime) -> tuple[list[Message], datetime]:
        return text_messages(cid, raw, cursor, first, submitted)

    return _submit(conversation_id, options, build, fail)


def _url(conversation_id: str | None):
    body = _json_body()
    url = check_url(body.get("url"))
    options = parse_options(body, request.args)
    return _submit(conversation_id, options, _recording_builder(url, options), FAIL_MARKER in url)


def _read_upload() -> tuple[str, int, bool]:
    """Stream the raw body: return its sha256, its size and whether it holds the fail marker."""
    digest, size, tail, marked = hashlib.sha256(), 0, b"", False
    marker = FAIL_MARKER.encode()
    while chunk := request.stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        window = tail + chunk
        marked = marked or marker in window
        tail = window[-len(marker) :]
    return digest.hexdigest(), size, marked


def _file(conversation_id: str | None, kind: str):
    content_type = (request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if kind == "video" and content_type != "video/mp4":
        raise bad_request('"Content-Type" must be [video/mp4]')
    if kind == "audio" and content_type and content_type not in AUDIO_TYPES:
        raise bad_request(f'"Content-Type" must be one of [{", ".join(AUDIO_TYPES)}] or left out')
    options = parse_options({}, request.args)
    seed, size, marked = _read_upload()
    if size == 0:
        raise bad_request('"body" is required: send the media file as the raw request body')
    fail = marked or FAIL_MARKER in (options.name or "")
    return _submit(conversation_id, options, _recording_builder(seed, options), fail)


@bp.post("/v1/process/text")
def post_text():
    """Submit a text conversation."""
    return _text(None)


@bp.put("/v1/process/text/<conversation_id>")
def put_text(conversation_id: str):
    """Append text to a conversation."""
    return _text(conversation_id)


@bp.post("/v1/process/audio")
def post_audio():
    """Submit an audio file (raw body, options in the query)."""
    return _file(None, "audio")


@bp.put("/v1/process/audio/<conversation_id>")
def put_audio(conversation_id: str):
    """Append an audio file."""
    return _file(conversation_id, "audio")


@bp.post("/v1/process/audio/url")
def post_audio_url():
    """Submit an audio URL."""
    return _url(None)


@bp.put("/v1/process/audio/url/<conversation_id>")
def put_audio_url(conversation_id: str):
    """Append an audio URL."""
    return _url(conversation_id)


@bp.post("/v1/process/video")
def post_video():
    """Submit an mp4 file (raw body, ``Content-Type: video/mp4``)."""
    return _file(None, "video")


@bp.put("/v1/process/video/<conversation_id>")
def put_video(conversation_id: str):
    """Append an mp4 file."""
    return _file(conversation_id, "video")


@bp.post("/v1/process/video/url")
def post_video_url():
    """Submit a video URL."""
    return _url(None)


@bp.put("/v1/process/video/url/<conversation_id>")
def put_video_url(conversation_id: str):
    """Append a video URL."""
    return _url(conversation_id)


@bp.get("/v1/job/<job_id>")
def job_status(job_id: str):
    """Return ``{id, status}`` with a lower-case status."""
    job = _state().job(g.app_id, job_id)
    return jsonify({"id": job.id, "status": job.status(time.time())})
