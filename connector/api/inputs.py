"""Read a submit/append request in any of its forms: JSON, multipart/form-data (streamed), or a
raw audio/video body (streamed). Files are never held whole in memory: their bytes are yielded
chunk by chunk to the Symbl client as they arrive.

For multipart, options must come before the ``file`` part (curl -F keeps the order given; our
connectors send the file last); fields after the file are refused."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

from flask import Request
from flask.json.provider import DefaultJSONProvider
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData, Preamble

from connector.api.errors import ApiError, invalid_request
from connector.jobs.options import ConversationInput
from connector.jobs.submit import Upload

CHUNK = 64 * 1024
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024
"""How much of an unread body is read (and dropped) before an error is answered: a client still
sending (Python's requests and urllib send the whole body before reading) then reads our 413 or
400 instead of a connection reset. Beyond it the connection is closed unread."""
SYMBL_AUDIO_TYPES = {"audio/wav", "audio/mpeg", "audio/mp3", "audio/wave"}
AUDIO_EXTENSIONS = {".mp3", ".wav", ".amr", ".aac", ".ac3", ".aiff", ".flac", ".ogg", ".opus", ".wma", ".m4a"}
FORM_FIELDS = set(ConversationInput.model_fields) - {"messages"}


def read_json(request: Request, max_bytes: int) -> Any:
    """The JSON body, read at most ``max_bytes`` (413 above, 400 invalid_json if not JSON)."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise too_large(max_bytes)
    raw = request.stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise too_large(max_bytes)
    return loads(raw or b"null")


def parse_json(request: Request, max_bytes: int) -> ConversationInput:
    """A JSON object body -> validated input."""
    data = read_json(request, max_bytes)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", 'The body must be a JSON object, e.g. {"transcript": "Alice: Hi"}.')
    return validate(data)


def invalid_json(reason: str = "The body is not valid JSON.") -> ApiError:
    return ApiError(400, "invalid_json", reason)


def loads(raw: bytes | str) -> Any:
    """Parse a JSON body; 400 invalid_json when it is malformed or nested too deeply to parse
    (e.g. 100000 ``[``: Python's parser gives up with a RecursionError, never a 500)."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise invalid_json("The body is nested too deeply.") from None
    except ValueError:
        raise invalid_json() from None


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON with `loads`' depth guard, for bodies parsed by ``request.get_json``."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise invalid_json("The body is nested too deeply.") from None


def validate(data: dict[str, Any]) -> ConversationInput:
    try:
        return ConversationInput.model_validate(data)
    except ValidationError as exc:
        raise invalid_request(exc) from None


def from_fields(fields: dict[str, str]) -> ConversationInput:
    """Form fields or query parameters (strings) -> validated input; unknown names are refused."""
    unknown = sorted(set(fields) - FORM_FIELDS)
    if unknown:
        raise ApiError(
            400,
            "invalid_request",
            f"Unknown field(s): {', '.join(unknown)}.",
            [{"field": name, "message": "unknown field"} for name in unknown],
        )
    data: dict[str, Any] = {k: v for k, v in fields.items() if v != ""}
    return validate(data)


def drain(request: Request) -> bool:
    """Read and drop what is left of the body, up to DRAIN_LIMIT_BYTES; False if more was left
    (or the client went away), in which case the connection should be closed."""
    if request.content_length is not None and request.content_length > DRAIN_LIMIT_BYTES:
        return False
    # A chunked body: read the server's own input (it ends where the body ends), since werkzeug's
    # stream may be the one that refused it for its size.
    stream = request.environ["wsgi.input"] if request.environ.get("wsgi.input_terminated") else request.stream
    left = DRAIN_LIMIT_BYTES
    try:
        while left > 0:
            chunk = stream.read(min(CHUNK, left))
            if not chunk:
                return True
            left -= len(chunk)
    except (OSError, ValueError, HTTPException):  # the client hung up, or werkzeug's stream limit
        return False
    return False


def too_large(limit: int) -> ApiError:
    return ApiError(413, "payload_too_large", f"The body is larger than this facade accepts ({limit} bytes).")


def media_of(content_type: str, filename: str = "") -> tuple[str, str]:
    """(audio|video, the Content-Type to send Symbl) for a file, or raise 415."""
    ctype = content_type.split(";", 1)[0].strip().lower()
    ext = os.path.splitext(filename.lower())[1]
    if ctype == "video/mp4" or (ctype in ("", "application/octet-stream") and ext == ".mp4"):
        return "video", "video/mp4"
    if ctype.startswith("video/") or ext in (".mov", ".webm", ".mkv", ".avi", ".m4v"):
        raise ApiError(415, "unsupported_media_type", "Symbl accepts video as mp4 only; convert the file to mp4.")
    if ctype.startswith("audio/") or ext in AUDIO_EXTENSIONS or ctype in ("", "application/octet-stream"):
        # Symbl validates only these audio types; for others it auto-detects when none is sent.
        return "audio", ctype if ctype in SYMBL_AUDIO_TYPES else ""
    raise ApiError(
        415, "unsupported_media_type", f"Upload an audio file or an mp4 video (got {ctype or 'no content type'})."
    )


def _limited(chunks: Iterator[bytes], limit: int) -> Iterator[bytes]:
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise too_large(limit)
        if chunk:
            yield chunk


def _nonempty(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Fail before Symbl is called if the file is empty."""
    first = next(chunks, b"")
    if not first:
        raise ApiError(400, "invalid_request", "The uploaded file is empty.")

    def rest() -> Iterator[bytes]:
        yield first
        yield from chunks

    return rest()


def raw_upload(request: Request, max_bytes: int) -> tuple[ConversationInput, Upload]:
    """A raw audio/* or video/mp4 body; options in the query string."""
    media, ctype = media_of(request.content_type or "")
    if request.content_length is not None and request.content_length > max_bytes:
        raise too_large(max_bytes)
    options = from_fields(request.args.to_dict())
    stream = iter(lambda: request.stream.read(CHUNK), b"")
    return options, Upload(_nonempty(_limited(stream, max_bytes)), media, ctype)  # type: ignore[arg-type]


def multipart_upload(request: Request, max_bytes: int) -> tuple[ConversationInput, Upload | None]:
    """multipart/form-data: fields first, then the ``file`` part streamed."""
    boundary = request.mimetype_params.get("boundary", "")
    if not boundary:
        raise ApiError(400, "invalid_request", "multipart/form-data needs a boundary.")
    if request.content_length is not None and request.content_length > max_bytes:
        raise too_large(max_bytes)
    decoder = MultipartDecoder(boundary.encode(), max_form_memory_size=1024 * 1024)
    source = iter(lambda: request.stream.read(CHUNK), b"")
    fields: dict[str, str] = dict(request.args.to_dict())
    current: str | None = None
    buffer: list[bytes] = []

    def events() -> Iterator[Any]:
        while True:
            event = decoder.next_event()
            if isinstance(event, NeedData):
                chunk = next(source, None)
                decoder.receive_data(chunk)
                continue
            yield event
            if isinstance(event, Epilogue):
                return

    stream = events()
    try:
        for event in stream:
            if isinstance(event, (Preamble, Epilogue)):
                continue
            if isinstance(event, Field):
                current, buffer = event.name, []
            elif isinstance(event, File):
                if event.name != "file":
                    raise ApiError(400, "invalid_request", "Send the file in the form field named 'file'.")
                ctype = event.headers.get("Content-Type", "")
                media, send_type = media_of(ctype, event.filename)
                options = from_fields(fields)
                if options.has_input:
                    raise ApiError(400, "invalid_request", "Send either a file or transcript/messages/url, not both.")

                def file_chunks() -> Iterator[bytes]:
                    for ev in stream:
                        if isinstance(ev, Data):
                            yield ev.data
                            if not ev.more_data:
                                break
                    for ev in stream:  # the rest must be the end of the form
                        if isinstance(ev, (Field, File)):
                            raise ApiError(400, "invalid_request", "Put the 'file' part last in the form.")

                chunks = _nonempty(_limited(file_chunks(), max_bytes))
                return options, Upload(chunks, media, send_type)  # type: ignore[arg-type]
            elif isinstance(event, Data) and current is not None:
                buffer.append(event.data)
                if not event.more_data:
                    fields[current] = b"".join(buffer).decode("utf-8", "replace")
                    current = None
    except ValueError as exc:  # werkzeug's decoder on malformed input
        raise ApiError(400, "invalid_request", f"The multipart body is malformed ({exc}).") from None
    if "messages" in fields:
        raise ApiError(400, "invalid_request", "Send messages as JSON, not as a form field.")
    return from_fields(fields), None
