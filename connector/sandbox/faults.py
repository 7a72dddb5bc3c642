"""Fault injection: make the next N matching requests fail, slow down or drop the connection.

Rules are set through ``POST /_sandbox/faults`` and applied before authentication, so a faulted
request never reaches Symbl's logic. A 401/429/5xx fault answers in Symbl's own body shape; a
``reset`` shuts the client's socket down so the client sees a connection error, not an answer.
"""

from __future__ import annotations

import fnmatch
import socket
import threading
import time
from typing import Any

from pydantic import BaseModel, Field


class FaultRule(BaseModel):
    """One rule; ``times=None`` applies it to every matching request until cleared."""

    method: str | None = None
    path: str = "*"
    status: int | None = Field(None, ge=400, le=599)
    times: int | None = Field(1, ge=1)
    delay_seconds: float = Field(0.0, ge=0, le=300)
    reset: bool = False

    def matches(self, method: str, path: str) -> bool:
        """Return whether this rule applies to ``method path``."""
        return (self.method is None or self.method.upper() == method.upper()) and fnmatch.fnmatchcase(path, self.path)


class FaultBook:
    """The active rules; ``take`` consumes one use of the first matching rule."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def add(self, rules: list[FaultRule]) -> None:
        """Append rules (checked in order)."""
        with self._lock:
            self._rules.extend(rules)

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[dict[str, Any]]:
        """Return the active rules as JSON."""
        with self._lock:
            return [r.model_dump() for r in self._rules]

    def take(self, method: str, path: str) -> FaultRule | None:
        """Return the first rule matching the request and count one use of it."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    if rule.times is not None:
                        rule.times -= 1
                        if rule.times <= 0:
                            self._rules.remove(rule)
                    return rule
            return None


def delay(rule: FaultRule) -> None:
    """Sleep for the rule's delay."""
    if rule.delay_seconds:
        time.sleep(rule.delay_seconds)


def drop_connection(environ: dict[str, Any]) -> bool:
    """Shut the client's socket down (werkzeug or gunicorn); return whether a socket was found."""
    sock = environ.get("werkzeug.socket") or environ.get("gunicorn.socket")
    if not isinstance(sock, socket.socket):
        return False
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    return True
