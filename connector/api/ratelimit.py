"""Rate limits shared by every worker and instance: the per-key request limit and the limit of
failed authentications per client address.

flask-limiter (the ``limits`` library) keeps its counters in the facade's store: Redis through its
own Redis storage, SQLite through `SqliteLimitStorage` below (a ``rate_limits`` table in the store's
file). So ``CONNECTOR_RATE_LIMIT`` is the limit of the whole deployment, not of each worker."""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
import time
from typing import Any

from flask import request
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from connector.api.errors import ApiError

log = logging.getLogger(__name__)

SCHEME = "connector-sqlite"
_TABLE = """CREATE TABLE IF NOT EXISTS rate_limits (
    key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at REAL NOT NULL)"""


class SqliteLimitStorage(Storage):
    """Fixed-window counters in the store's SQLite file (``connector-sqlite:///<absolute path>``)."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012 - flask-limiter declares it as an instance attribute

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._path = uri.partition("://")[2]
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False, timeout=5)
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA synchronous = NORMAL")  # counters need not survive a power loss
            conn.execute(_TABLE)
            self._conn = conn
        return self._conn

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            db = self._db()
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM rate_limits WHERE key = ? AND expires_at <= ?", (key, now))
                db.execute(
                    "INSERT INTO rate_limits (key, count, expires_at) VALUES (?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET count = count + excluded.count",
                    (key, amount, now + expiry),
                )
                count = db.execute("SELECT count FROM rate_limits WHERE key = ?", (key,)).fetchone()[0]
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return int(count)

    def _row(self, key: str) -> tuple[int, float] | None:
        with self._lock:
            row = (
                self._db()
                .execute(
                    "SELECT count, expires_at FROM rate_limits WHERE key = ? AND expires_at > ?", (key, time.time())
                )
                .fetchone()
            )
        return (int(row[0]), float(row[1])) if row else None

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row else time.time()

    def check(self) -> bool:
        try:
            with self._lock:
                self._db().execute("SELECT 1")
            return True
        except sqlite3.Error:
            return False

    def reset(self) -> int | None:
        with self._lock:
            return self._db().execute("DELETE FROM rate_limits").rowcount

    def clear(self, key: str) -> None:
        with self._lock:
            self._db().execute("DELETE FROM rate_limits WHERE key = ?", (key,))


def storage_uri(store_url: str) -> str:
    """The limiter's storage for the facade's store: the same Redis, or the same SQLite file."""
    if store_url.startswith(("redis://", "rediss://")):
        return store_url
    import os

    from connector.store import sqlite_path

    return f"{SCHEME}://{os.path.abspath(sqlite_path(store_url))}"


class AuthFailureLimit:
    """Failed authentications per client address: past the limit, every request from that address
    answers 429 with Retry-After (without looking at the key), so guessing keys is slow."""

    def __init__(self, store_url: str, limit: str) -> None:
        self._item: RateLimitItem = parse(limit)
        self._limiter = FixedWindowRateLimiter(storage_from_string(storage_uri(store_url)))

    @staticmethod
    def _address() -> str:
        return request.remote_addr or "unknown"

    def check(self) -> None:
        """Raise 429 if this address has failed too often in the current window."""
        try:
            blocked = not self._limiter.test(self._item, "auth-failures", self._address())
            reset = self._limiter.get_window_stats(self._item, "auth-failures", self._address()).reset_time
        except Exception as exc:  # the limit store is down: authentication itself still works
            log.warning("auth failure limit unavailable", extra={"error": type(exc).__name__})
            return
        if blocked:
            retry = max(1, math.ceil(reset - time.time()))
            raise ApiError(
                429,
                "too_many_failed_authentications",
                f"Too many requests with an invalid API key from this address; retry after {retry} s.",
                headers={"Retry-After": str(retry)},
            )

    def failed(self) -> None:
        try:
            self._limiter.hit(self._item, "auth-failures", self._address())
        except Exception as exc:
            log.warning("auth failure limit unavailable", extra={"error": type(exc).__name__})
