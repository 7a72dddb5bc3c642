"""Nebula, Symbl's LLM, emulated: ``POST /v1/model/chat``, ``/v1/model/chat/streaming`` and
``/v1/model/generate``, authenticated with the ``ApiKey`` header (not the OAuth token).

Symbl serves Nebula on its own host; the sandbox serves it on the same port, so point
``NEBULA_BASE_URL`` at the sandbox. Answers come from `answerer` (extractive, deterministic).
Error bodies are not documented for Nebula: failures use Symbl's ``{"message"}`` shape, and faults
injected through ``/_sandbox/faults`` apply here as on every route.
"""

from __future__ import annotations

import hmac
import json
from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from connector.sandbox.answerer import answer
from connector.sandbox.errors import SymblError, bad_request

bp = Blueprint("sandbox_nebula", __name__, url_prefix="/v1/model")
PUBLIC = {"sandbox_nebula.chat", "sandbox_nebula.chat_streaming", "sandbox_nebula.generate"}


def _authenticate() -> None:
    expected = current_app.extensions["sandbox"].config.nebula_api_key
    given = request.headers.get("ApiKey", "")
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise SymblError(401, "Invalid or missing ApiKey.")


def _body() -> dict[str, Any]:
    _authenticate()
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        raise bad_request('"value" must be of type object')
    return body


def _messages(body: dict[str, Any]) -> list[dict[str, str]]:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise bad_request('"messages" is required')
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ("human", "assistant"):
            raise bad_request(f'"messages[{i}].role" must be one of [human, assistant]')
        if not isinstance(message.get("text"), str):
            raise bad_request(f'"messages[{i}].text" must be a string')
    if messages[-1]["role"] != "human":
        raise bad_request('the last message must have the role "human"')
    return messages


def _reply(messages: list[dict[str, str]]) -> str:
    return answer(messages[-1]["text"], date.today())


@bp.post("/chat")
def chat():
    """The request's messages with the assistant's reply appended."""
    messages = _messages(_body())
    return jsonify({"messages": [*messages, {"role": "assistant", "text": _reply(messages)}]})


@bp.post("/chat/streaming")
def chat_streaming():
    """The reply as server-sent events, one ``{"delta"}`` per word."""
    reply = _reply(_messages(_body()))
    words = reply.split(" ")
    events = "".join(
        f"data: {json.dumps({'delta': w + (' ' if i < len(words) - 1 else '')})}\n\n" for i, w in enumerate(words)
    )
    return Response(events, mimetype="text/event-stream")


@bp.post("/generate")
def generate():
    """``{"model", "output": {"text"}, "stats"}`` for an instruction over a conversation's text."""
    body = _body()
    prompt = body.get("prompt")
    if not isinstance(prompt, dict) or not isinstance(prompt.get("instruction"), str):
        raise bad_request('"prompt.instruction" is required')
    conversation = prompt.get("conversation") or {}
    text = conversation.get("text") if isinstance(conversation, dict) else None
    if not isinstance(text, str) or len(text.split()) < 50:
        raise bad_request('"prompt.conversation.text" must have at least 50 words')
    stops = body.get("stop_sequences") or []
    if not isinstance(stops, list) or len(stops) > 5 or any(not isinstance(s, str) or len(s) > 50 for s in stops):
        raise bad_request('"stop_sequences" must be at most 5 strings of at most 50 characters')
    output = answer(f"Conversation transcript:\n{text}\n\nQuestion: {prompt['instruction']}", date.today())
    tokens = [len(prompt["instruction"].split()), len(text.split()), len(output.split())]
    return jsonify(
        {
            "model": "nebula-sandbox",
            "output": {"text": output, "scores": None},
            "stats": {
                "instruction_tokens": tokens[0],
                "conversation_tokens": tokens[1],
                "output_tokens": tokens[2],
                "total_tokens": sum(tokens),
            },
        }
    )
