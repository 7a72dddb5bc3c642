"""Symbl-shaped identifiers and timestamps: random where Symbl is random, hashed where we must be deterministic."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime


def _digest(*parts: object) -> bytes:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()


def new_conversation_id() -> str:
    """Return a fresh 16-digit numeric conversation id."""
    return str(10**15 + secrets.randbelow(9 * 10**15))


def new_job_id() -> str:
    """Return a fresh UUID v4 job id."""
    return str(uuid.uuid4())


def numeric_id(*parts: object) -> str:
    """Return a 16-digit numeric id derived from ``parts`` (same parts, same id)."""
    return str(10**15 + int.from_bytes(_digest(*parts)[:8], "big") % (9 * 10**15))


def uuid_id(*parts: object) -> str:
    """Return a UUID (v4 layout) derived from ``parts``."""
    return str(uuid.UUID(bytes=_digest(*parts)[:16], version=4))


def unit(*parts: object) -> float:
    """Return a deterministic number in [0, 1) derived from ``parts``."""
    return int.from_bytes(_digest(*parts)[:6], "big") / 2**48


def iso(moment: datetime) -> str:
    """Format ``moment`` as Symbl does: ISO-8601 UTC with milliseconds and ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_iso(value: object) -> datetime | None:
    """Parse an ISO-8601 timestamp (``Z`` allowed); ``None`` when it is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
