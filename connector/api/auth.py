"""API-key auth for /v1 and the caller's Symbl credential.

Keys come from CONNECTOR_API_KEYS, either as plain keys or as ``sha256:<hex>`` hashes; a
presented key is hashed and compared against every configured hash in constant time. The
caller is identified downstream by ``key_id``, a short fingerprint (never the key)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from flask import g, request

from connector.api.errors import ApiError
from connector.keys import key_hash, key_id_of
from connector.symbl.credentials import Credential


@dataclass(frozen=True)
class Caller:
    """Who is calling, and with which Symbl credential."""

    key_id: str
    credential: Credential
    own_credential: bool


def authenticate(hashes: list[str], default_credential: Credential) -> Caller:
    """Check the bearer key and pick the Symbl credential; raise ApiError 401/400."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            401,
            "unauthorized",
            "Send your facade API key as 'Authorization: Bearer <key>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    presented = key_hash(token.strip())
    matched = False
    for candidate in hashes:  # no early exit: the time does not depend on which key matched
        matched |= hmac.compare_digest(presented, candidate)
    if not matched:
        raise ApiError(
            401,
            "unauthorized",
            "The API key is not valid; check it or ask the facade's operator for one.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    app_id = request.headers.get("X-Symbl-App-Id", "").strip()
    app_secret = request.headers.get("X-Symbl-App-Secret", "").strip()
    if bool(app_id) != bool(app_secret):
        raise ApiError(400, "invalid_request", "Send both X-Symbl-App-Id and X-Symbl-App-Secret, or neither.")
    caller = Caller(
        key_id=key_id_of(presented),
        credential=Credential(app_id, app_secret) if app_id else default_credential,
        own_credential=bool(app_id),
    )
    g.caller = caller
    return caller


def current_caller() -> Caller:
    return g.caller
