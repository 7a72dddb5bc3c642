"""Signatures on callback and hook deliveries, so receivers can tell they come from this facade.

The signature is ``sha256=<hex HMAC-SHA256 of the raw body>`` in `SIGNATURE_HEADER`, keyed with
``CONNECTOR_CALLBACK_SECRET`` (callbacks) or the hook's own secret (hooks). A receiver recomputes it
over the exact bytes it received and compares in constant time, as `verify` does.
"""

from __future__ import annotations

import hashlib
import hmac

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
