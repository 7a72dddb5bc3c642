"""Symbl's Experience API, emulated: ``POST /v1/conversations/{id}/experiences`` creates a hosted
summary page, and the sandbox serves that page itself as HTML so a browser can open the URL.

The answer is ``{"name", "url"}`` with a URL shaped like Symbl's
(``<sandbox>/meeting/#/<token>``); ``GET /meeting/`` turns the fragment into ``/meeting/<token>``,
which renders the conversation's summary, topics, action items, questions and follow-ups. The token
is random and unguessable (the page needs no other credential, as Symbl's does not); it expires
after ``summaryURLExpiresIn`` seconds (0: never; default 30 days).
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from connector.sandbox.analysis import analysis_for
from connector.sandbox.errors import SymblError, bad_request
from connector.sandbox.state import SandboxState

bp = Blueprint("sandbox_experiences", __name__)
PUBLIC = {"sandbox_experiences.meeting_shell", "sandbox_experiences.meeting_page"}
NAMES = {"verbose-text-summary": None, "video-summary": "videoUrl", "audio-summary": "audioUrl"}
DEFAULT_EXPIRY = 2592000


@dataclass(frozen=True)
class Experience:
    app_id: str
    conversation_id: str
    name: str
    expires_at: float | None


def _state() -> SandboxState:
    return current_app.extensions["sandbox"]


def _book(state: SandboxState) -> dict[str, Experience]:
    return state.experiences


@bp.post("/v1/conversations/<conversation_id>/experiences")
def create_experience(conversation_id: str):
    """Create a summary page for the conversation; answer its URL."""
    state = _state()
    state.conversation(g.app_id, conversation_id)
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        raise bad_request('"value" must be of type object')
    name = body.get("name")
    if name not in NAMES:
        raise bad_request(f'"name" must be one of [{", ".join(NAMES)}]')
    media = NAMES[name]
    if media and not isinstance(body.get(media), str):
        raise bad_request(f'"{media}" is required')
    expires = body.get("summaryURLExpiresIn", DEFAULT_EXPIRY)
    if isinstance(expires, bool) or not isinstance(expires, int) or expires < 0:
        raise bad_request('"summaryURLExpiresIn" must be an integer greater than or equal to 0')
    payload = json.dumps({"conversationId": conversation_id, "nonce": secrets.token_urlsafe(18)})
    token = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    _book(state)[token] = Experience(g.app_id, conversation_id, name, time.time() + expires if expires else None)
    return jsonify({"name": name, "url": f"{request.host_url}meeting/#/{token}"})


_SHELL = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Conversation summary</title></head>
<body><p>Opening the summary…</p><script>
var t = location.hash.replace(/^#\\/?/, ""); if (t) { location.replace(location.pathname.replace(/\\/$/, "") + "/" + t); }
</script><noscript>Open the link in a browser with JavaScript, or replace "#/" with "" in the URL.</noscript></body></html>"""


@bp.get("/meeting/")
def meeting_shell():
    """Symbl's URLs carry the token after ``#``; a browser never sends it, so a script moves it."""
    return Response(_SHELL, mimetype="text/html")


def _list(title: str, items: list[str]) -> str:
    if not items:
        return ""
    rows = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    return f"<h2>{html.escape(title)}</h2><ul>{rows}</ul>"


@bp.get("/meeting/<token>")
def meeting_page(token: str):
    """The summary page: name, summary, topics, action items, questions, follow-ups."""
    state = _state()
    experience = _book(state).get(token)
    if experience is None or (experience.expires_at is not None and time.time() > experience.expires_at):
        raise SymblError(404, "This summary link is invalid or has expired.")
    conv = state.conversation(experience.app_id, experience.conversation_id)
    analysis = analysis_for(state, conv, time.time())
    summary = " ".join(item["text"] for item in analysis.summary)
    parts: list[Any] = [
        f"<h1>{html.escape(conv.name or 'Conversation ' + conv.id)}</h1>",
        f"<p>{html.escape(summary)}</p>" if summary else "",
        _list("Topics", [t["text"] for t in analysis.topics]),
        _list("Action items", [a["text"] for a in analysis.action_items]),
        _list("Questions", [q["text"] for q in analysis.questions]),
        _list("Follow-ups", [f["text"] for f in analysis.follow_ups]),
        _list("Participants", [p.name for p in analysis.members]),
    ]
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Conversation summary</title>'
        "<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}"
        "</style></head><body>" + "".join(parts) + "<footer><small>Symbl sandbox: local heuristics, "
        "not Symbl's models.</small></footer></body></html>"
    )
    return Response(page, mimetype="text/html")
