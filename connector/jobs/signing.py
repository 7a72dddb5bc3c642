"""Signatures on callback and hook deliveries, so receivers can tell they come from this facade.

Each delivery carries two signatures, keyed with ``CONNECTOR_CALLBACK_SECRET`` (callbacks) or the
hook's own secret (hooks):

- Standard Webhooks: ``webhook-id`` (the event ID), ``webhook-timestamp`` (Unix seconds of this
  attempt) and ``webhook-signature`` (``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``). Receivers
  check it with `verify_standard` (or any Standard Webhooks library), refuse timestamps more than
  5 minutes away, and drop an event ID they have seen: a captured delivery cannot be replayed.
- Legacy: ``sha256=<hex HMAC-SHA256 of the raw body>`` in `SIGNATURE_HEADER`, for existing
  receivers (`verify`). It does not protect against replays.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Mapping
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

SIGNATURE_HEADER = "X-Connector-Signature"
EVENT_ID_HEADER = "X-Connector-Event-Id"
EVENT_HEADER = "X-Connector-Event"
_SCHEME = "sha256="


def sign(body: bytes, secret: str) -> str:
    """Return the signature header value for ``body``: ``sha256=<hex>``."""
    return _SCHEME + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str | None) -> bool:
    """Return True if ``header`` is the signature of ``body`` with ``secret`` (constant-time)."""
    if not header:
        return False
    expected = sign(body, secret)
    return hmac.compare_digest(expected.encode("ascii"), header.strip().lower().encode("utf-8", "replace"))


# --- Standard Webhooks (https://www.standardwebhooks.com): the event ID and a timestamp are signed
# with the body, so a captured delivery cannot be replayed later or under another ID.
WEBHOOK_ID_HEADER = "webhook-id"
WEBHOOK_TIMESTAMP_HEADER = "webhook-timestamp"
WEBHOOK_SIGNATURE_HEADER = "webhook-signature"
TOLERANCE_SECONDS = 300
_WHSEC = "whsec_"


def signing_key(secret: str) -> bytes:
    """The HMAC key for ``secret``: base64-decoded after a ``whsec_`` prefix, else its UTF-8 bytes.

    A receiver using a Standard Webhooks library passes ``"whsec_" + base64(secret)``."""
    if secret.startswith(_WHSEC):
        return base64.b64decode(secret[len(_WHSEC) :] + "==")
    return secret.encode("utf-8")


def standard_headers(event_id: str, body: bytes, secret: str, now: float | None = None) -> dict[str, str]:
    """The three ``webhook-*`` headers for one delivery attempt of ``body``."""
    timestamp = datetime.fromtimestamp(int(time.time() if now is None else now), tz=UTC)
    signature = Webhook(signing_key(secret)).sign(event_id, timestamp, body.decode("utf-8"))
    return {
        WEBHOOK_ID_HEADER: event_id,
        WEBHOOK_TIMESTAMP_HEADER: str(int(timestamp.timestamp())),
        WEBHOOK_SIGNATURE_HEADER: signature,
    }


def verify_standard(body: bytes, secret: str, headers: Mapping[str, str]) -> bool:
    """True if ``headers`` carry a valid Standard Webhooks signature of ``body`` signed within
    `TOLERANCE_SECONDS` of now. Receivers must also drop a ``webhook-id`` they have already seen."""
    try:
        Webhook(signing_key(secret)).verify(body, dict(headers), json_parse=False)
    except (WebhookVerificationError, ValueError, binascii.Error):
        return False
    return True
