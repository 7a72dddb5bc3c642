"""Symbl authentication: ``POST /oauth2/token:generate`` and the token check every API call makes.

Both header styles official clients use are accepted: ``Authorization: Bearer <token>`` and the
deprecated ``x-api-key: <token>`` (the only one the Python SDK sends).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from connector.sandbox.errors import BAD_CREDENTIALS, TOKEN_INVALID, SymblError, bad_request

bp = Blueprint("sandbox_auth", __name__)


def _state():
    return current_app.extensions["sandbox"]


@bp.post("/oauth2/token:generate")
def generate_token():
    """Exchange appId/appSecret for a JWT access token (cached per appId)."""
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        body = {}
    for key in ("type", "appId", "appSecret"):
        if key not in body:
            raise bad_request(f'"{key}" is required')
        if not isinstance(body[key], str):
            raise bad_request(f'"{key}" must be a string')
    if body["type"] != "application":
        raise bad_request('"type" must be one of [application]')
    state = _state()
    if state.config.credentials().get(body["appId"]) != body["appSecret"]:
        raise SymblError(401, BAD_CREDENTIALS)
    token, expires_in = state.tokens.generate(body["appId"], state.config.token_ttl_seconds)
    return jsonify({"accessToken": token, "expiresIn": expires_in})


def presented_tokens() -> list[str]:
    """Return the tokens the request carries (Bearer first, then x-api-key)."""
    tokens = []
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        tokens.append(value.strip())
    api_key = request.headers.get("x-api-key", "").strip()
    if api_key:
        tokens.append(api_key)
    return tokens


def authenticate() -> str:
    """Return the appId of the request's token or raise Symbl's 401."""
    issuer = _state().tokens
    for token in presented_tokens():
        app_id = issuer.app_for(token)
        if app_id is not None:
            return app_id
    raise SymblError(401, TOKEN_INVALID)
