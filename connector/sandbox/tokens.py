"""Access tokens: real HS256 JWTs with ``exp``, cached per appId like Symbl's token service."""

from __future__ import annotations

import math
import secrets
import threading
import time
from dataclasses import dataclass

import jwt


@dataclass
class _Issued:
    app_id: str
    expires_at: float


class TokenIssuer:
    """Mint, cache, validate and (for tests) expire access tokens; thread-safe."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._issued: dict[str, _Issued] = {}
        self._cached: dict[str, str] = {}
        self.generations = 0

    def generate(self, app_id: str, ttl_seconds: float) -> tuple[str, int]:
        """Return ``(token, expiresIn)``; a still-valid cached token comes back with its remaining lifetime."""
        now = time.time()
        with self._lock:
            self.generations += 1
            cached = self._cached.get(app_id)
            if cached is not None:
                remaining = self._issued[cached].expires_at - now
                if remaining >= 1:
                    return cached, int(remaining)
            expires_at = now + ttl_seconds
            claims = {
                "sub": app_id,
                "appId": app_id,
                "iss": "symbl-sandbox",
                "iat": int(now),
                "exp": math.ceil(expires_at),
                "jti": secrets.token_hex(8),
            }
            token = jwt.encode(claims, self._key, algorithm="HS256")
            self._issued[token] = _Issued(app_id, expires_at)
            self._cached[app_id] = token
            return token, max(1, round(ttl_seconds))

    def app_for(self, token: str) -> str | None:
        """Return the appId a valid, unexpired token belongs to, else ``None``."""
        try:
            jwt.decode(token, self._key, algorithms=["HS256"], options={"verify_exp": False})
        except jwt.PyJWTError:
            return None
        with self._lock:
            issued = self._issued.get(token)
            if issued is None or issued.expires_at <= time.time():
                return None
            return issued.app_id

    def expire_all(self) -> int:
        """Expire every token issued so far; return how many were still valid."""
        now = time.time()
        with self._lock:
            live = [i for i in self._issued.values() if i.expires_at > now]
            for issued in live:
                issued.expires_at = now
            self._cached.clear()
            return len(live)
