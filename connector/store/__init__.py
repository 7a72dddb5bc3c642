"""The store: durable, shared state behind one interface (`Store`, see base.py).

`open_store(url)` picks the backend from ``CONNECTOR_STORE_URL``:

- ``sqlite://`` (no path): ``./data/connector.db`` relative to the working directory;
- ``sqlite:///relative/file.db``: relative to the working directory;
- ``sqlite:////absolute/file.db``: an absolute path (four slashes, as in SQLAlchemy);
- ``redis://[:password@]host:port/db`` or ``rediss://...`` (TLS); an optional ``?prefix=name:``
  query parameter sets the key prefix (default ``connector:``).

The interface comes in facets (base.py); `keys.py` names every key of the expiring values and
`lease.py` is the one helper for cross-process locks and claims. This package must not call Symbl
or any URL, nor know about HTTP.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from connector.store.base import Hook, OutboxEvent, Store, StoreUnavailable, Submission

__all__ = ["DEFAULT_SQLITE_PATH", "Hook", "OutboxEvent", "Store", "StoreUnavailable", "Submission", "open_store"]

DEFAULT_SQLITE_PATH = os.path.join("data", "connector.db")


def open_store(url: str) -> Store:
    """Open the store that ``url`` names; raise ValueError for an unsupported or malformed URL."""
    scheme = url.partition("://")[0].lower()
    if scheme == "sqlite":
        from connector.store.sqlite import SqliteStore

        return SqliteStore(sqlite_path(url))
    if scheme in ("redis", "rediss"):
        from connector.store.redis import DEFAULT_PREFIX, RedisStore

        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        prefix = next((v for k, v in query if k == "prefix"), DEFAULT_PREFIX)
        rest_query = urlencode([(k, v) for k, v in query if k != "prefix"])
        return RedisStore(urlunsplit(parts._replace(query=rest_query)), prefix=prefix)
    raise ValueError(
        f"Unsupported store URL scheme {scheme or url!r}: use sqlite:///relative.db, sqlite:////absolute.db, "
        "sqlite:// (default ./data/connector.db), redis://host:port/db or rediss://host:port/db."
    )


def sqlite_path(url: str) -> str:
    """Return the file path a ``sqlite://`` URL names (relative paths are against the CWD)."""
    scheme, sep, rest = url.partition("://")
    if scheme.lower() != "sqlite" or not sep:
        raise ValueError(f"Not a sqlite:// URL: {url!r}")
    if rest == "" or rest == "/":
        return DEFAULT_SQLITE_PATH
    if not rest.startswith("/"):
        raise ValueError(
            f"Malformed SQLite URL {url!r}: write sqlite:///relative/file.db or sqlite:////absolute/file.db."
        )
    path = rest[1:].split("?", 1)[0]
    if path == ":memory:":
        raise ValueError("An in-memory SQLite store cannot be shared by threads and workers; give a file path.")
    return path
