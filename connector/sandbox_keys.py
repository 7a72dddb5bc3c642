"""Sandbox mode's generated secrets, kept with the store's data so they survive a restart.

In sandbox mode (no SYMBL_APP_ID) `connector serve` needs an API key when CONNECTOR_API_KEYS is
unset, and a callback signing secret when CONNECTOR_CALLBACK_SECRET is unset (so `connector listen`
can verify deliveries). Each is generated once and written, owner-readable only (mode 0600), to a
file in the store's data directory:

- SQLite store: the directory of the database file (``data/`` by default), e.g.
  ``data/sandbox-api-key`` and ``data/sandbox-callback-secret``;
- Redis store: ``data/`` under the working directory (sandbox mode is a local tool: a shared
  deployment sets CONNECTOR_API_KEYS and CONNECTOR_CALLBACK_SECRET).

Conversations are scoped per API key, so a stable key keeps earlier conversations visible.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from connector.store import sqlite_path

API_KEY_FILE = "sandbox-api-key"
CALLBACK_SECRET_FILE = "sandbox-callback-secret"
STATE_FILE = "sandbox-state.json"  # the embedded Symbl sandbox's account state (connector/sandbox/persistence.py)


def data_dir(store_url: str) -> Path:
    """The directory holding the store's data: the SQLite file's directory, else ``./data``."""
    if store_url.partition("://")[0].lower() == "sqlite":
        return Path(sqlite_path(store_url)).parent
    return Path("data")


def read_secret(store_url: str, name: str) -> str:
    """The kept secret ``name`` (a file name above), or "" if none was generated yet."""
    try:
        return (data_dir(store_url) / name).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return ""


def kept_secret(store_url: str, name: str, prefix: str = "") -> str:
    """Return the secret kept in the data directory's file ``name``; generate it (0600) the first time."""
    path = data_dir(store_url) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate = prefix + secrets.token_urlsafe(18)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, 0o600)  # someone widened it: owner-readable only again
        existing = path.read_text(encoding="utf-8").strip()
        if existing:
            return existing
        path.write_text(candidate + "\n", encoding="utf-8")  # an empty file (interrupted first start)
        return candidate
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(candidate + "\n")
    return candidate


def sandbox_api_key(store_url: str) -> str:
    """The sandbox API key (``sk_sandbox_...``), the same at every start on this data."""
    return kept_secret(store_url, API_KEY_FILE, prefix="sk_sandbox_")


def sandbox_callback_secret(store_url: str) -> str:
    """The sandbox's callback signing secret, the same at every start on this data."""
    return kept_secret(store_url, CALLBACK_SECRET_FILE)
