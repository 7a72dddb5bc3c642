"""Facade API keys: a key's hash and its short public ID (pure functions, no Flask).

Keys come from CONNECTOR_API_KEYS, either as plain keys or as ``sha256:<hex>`` hashes; only the
hashes are kept. A caller is identified downstream by ``key_id``, a short fingerprint (never the key)."""

from __future__ import annotations

import hashlib


def key_hash(key: str) -> str:
    """The sha256 hex digest of a presented key."""
    return hashlib.sha256(key.encode()).hexdigest()


def key_id_of(key_hash_hex: str) -> str:
    """The short ID of a key (its hash's first 12 hex digits), used in the store and logs."""
    return f"key_{key_hash_hex[:12]}"


def configured_hashes(keys: list[str]) -> list[str]:
    """Turn CONNECTOR_API_KEYS entries into sha256 hex digests."""
    return [k.removeprefix("sha256:").lower() if k.startswith("sha256:") else key_hash(k) for k in keys]
