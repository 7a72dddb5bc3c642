"""Formatted transcripts (``POST .../transcript``): Markdown with ``<mark>`` highlights, or SRT cues.

SRT is returned flat (``{"payload": "<srt>", "contentType": "text/srt"}``) with zero-padded
``HH:MM:SS,mmm`` cue times, as symbl-api.md section 4.17 recommends.
"""

from __future__ import annotations

from typing import Any

from connector.sandbox.analysis import Analysis
from connector.sandbox.errors import bad_request

CONTENT_TYPES = ("text/markdown", "text/srt")


def _speaker_name(analysis: Analysis, index: int) -> str:
    speaker = analysis.messages[index].speaker
    return speaker.name if speaker else "Unknown Speaker"


def _highlight(text: str, phrases: list[str]) -> str:
    for phrase in phrases:
        if phrase and phrase in text:
            text = text.replace(phrase, f"<mark>{phrase}</mark>", 1)
    return text


def markdown(analysis: Analysis, options: dict[str, Any]) -> str:
    """Return the Markdown transcript."""
    phrase_options = options.get("phrases") or {}
    highlight = isinstance(phrase_options, dict) and any(
        phrase_options.get(k) for k in ("highlightOnlyInsightKeyPhrases", "highlightAllKeyPhrases")
    )
    by_message: dict[str, list[str]] = {}
    if highlight:
        for item in analysis.action_items + analysis.follow_ups:
            by_message.setdefault(item["messageIds"][0], []).extend(p["text"] for p in item["phrases"])
    speakers = bool(options.get("showSpeakerSeparation"))
    paragraphs: list[tuple[str, list[str]]] = []
    for i, message in enumerate(analysis.messages):
        text = _highlight(message.text, by_message.get(message.id, []))
        name = _speaker_name(analysis, i)
        if options.get("createParagraphs") and paragraphs and paragraphs[-1][0] == name:
            paragraphs[-1][1].append(text)
        else:
            paragraphs.append((name, [text]))
    return "<br/><br/>".join((f"{name}: " if speakers else "") + " ".join(texts) for name, texts in paragraphs)


def _clock(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"


def srt(analysis: Analysis, options: dict[str, Any]) -> str:
    """Return the SRT transcript, one cue per message."""
    if not analysis.messages:
        return ""
    origin = analysis.messages[0].start
    cues = []
    for i, message in enumerate(analysis.messages):
        start = (message.start - origin).total_seconds()
        end = (message.end - origin).total_seconds()
        prefix = f"{_speaker_name(analysis, i)}: " if options.get("showSpeakerSeparation") else ""
        cues.append(f"{i + 1}\n{_clock(start)} --> {_clock(end)}\n{prefix}{message.text}\n")
    return "\n".join(cues)


def render(analysis: Analysis, body: dict[str, Any]) -> dict[str, Any]:
    """Return ``{"transcript": {"payload", "contentType"}}`` for a transcript request body."""
    content_type = body.get("contentType")
    if content_type is None:
        raise bad_request('"contentType" is required')
    if content_type not in CONTENT_TYPES:
        raise bad_request(f'"contentType" must be one of [{", ".join(CONTENT_TYPES)}]')
    payload = markdown(analysis, body) if content_type == "text/markdown" else srt(analysis, body)
    return {"transcript": {"payload": payload, "contentType": content_type}}
