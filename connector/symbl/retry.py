"""Retry policy as data: which answers are retried, how long to wait, and the timeouts.

Symbl sends 429 without Retry-After, so the delay is exponential with jitter. Every delay is
bounded by the caller's deadline (the client checks that before sleeping)."""

from __future__ import annotations

import random
from collections.abc import Callable

MAX_ATTEMPTS = 6
INITIAL_DELAY = 0.25
MAX_DELAY = 8.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def should_retry(status: int | None) -> bool:
    """Retry on 429, 5xx and on transport errors (``status`` None)."""
    return status is None or status in RETRY_STATUSES


def delay(attempt: int, retry_after: float | None = None, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based): equal jitter on 2**attempt."""
    if retry_after is not None and retry_after >= 0:
        return min(retry_after, MAX_DELAY)
    base = min(MAX_DELAY, INITIAL_DELAY * (2**attempt))
    return base / 2 + rand() * base / 2
