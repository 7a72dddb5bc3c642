"""Encryption at rest of the secrets the store keeps (Fernet, with key rotation).

`SealedStore` wraps any `Store` and encrypts, before they reach SQLite or Redis: the Symbl token
cache (``token:*``), callers' own Symbl credentials (``cred:*``), the generated webhook path secret
and hook signing secrets. Everything else (IDs, statuses, leases) is written as it is.

Keys: ``CONNECTOR_ENCRYPTION_KEY`` is a comma-separated list of Fernet keys; the first encrypts,
all decrypt (MultiFernet), so a new key is put first and the old one kept until the stored values
have been rewritten or expired. Without it, sandbox mode keeps a generated key in a file readable
by its owner only, beside the SQLite file (``connector.key``); live mode refuses to start.
Values written before encryption was introduced (no ``enc:`` prefix) are still read.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from connector.store import keys
from connector.store.base import Hook, Store

log = logging.getLogger(__name__)

PREFIX = "enc:v1:"
SEALED_KEYS = keys.SEALED
"""kv keys whose values are secrets (by prefix)."""
KEY_FILE = "connector.key"
ENV = "CONNECTOR_ENCRYPTION_KEY"


class EncryptionKeyError(ValueError):
    """The encryption key is missing or malformed; the message says what to do."""


class Sealer:
    """Encrypts and decrypts short strings with the configured keys."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise EncryptionKeyError(f"{ENV} is empty.")
        fernets = []
        for position, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.strip().encode()))
            except (ValueError, TypeError):
                raise EncryptionKeyError(
                    f"{ENV} entry {position} is not a Fernet key (32 url-safe base64-encoded bytes). Make one with: "
                    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
                ) from None
        self._fernet = MultiFernet(fernets)

    def seal(self, text: str) -> str:
        return PREFIX + self._fernet.encrypt(text.encode()).decode()

    def unseal(self, text: str) -> str | None:
        """The plain text; None when no configured key opens it (a removed key)."""
        if not text.startswith(PREFIX):
            return text  # written before encryption at rest: read as it is
        try:
            return self._fernet.decrypt(text[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            log.warning("a stored secret cannot be decrypted with the configured %s; ignoring it", ENV)
            return None


def sealed_key(key: str) -> bool:
    return key.startswith(SEALED_KEYS)


def key_file_path(store_url: str) -> str:
    """Where sandbox mode keeps its generated key: beside the SQLite file, else ./data."""
    from connector.store import DEFAULT_SQLITE_PATH, sqlite_path

    if store_url.lower().startswith("sqlite://"):
        return os.path.join(os.path.dirname(os.path.abspath(sqlite_path(store_url))), KEY_FILE)
    return os.path.join(os.path.dirname(os.path.abspath(DEFAULT_SQLITE_PATH)), KEY_FILE)


def generated_key(path: str) -> str:
    """Read the key file, creating it (mode 0600) with a new key if absent; safe when workers race."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        deadline = time.monotonic() + 5
        while True:  # another worker may be writing it right now
            with open(path, encoding="ascii") as handle:
                key = handle.read().strip()
            if key or time.monotonic() > deadline:
                return key
            time.sleep(0.02)
    key = Fernet.generate_key().decode()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    log.warning("no %s set: generated an encryption key for sandbox mode in %s", ENV, path)
    return key


def sealer_for(configured: str, *, sandbox: bool, store_url: str) -> Sealer:
    """The Sealer from CONNECTOR_ENCRYPTION_KEY, or sandbox mode's generated key file."""
    keys = [part.strip() for part in configured.split(",") if part.strip()]
    if keys:
        return Sealer(keys)
    if sandbox:
        return Sealer([generated_key(key_file_path(store_url))])
    raise EncryptionKeyError(
        f"{ENV} is required in live mode: it encrypts Symbl tokens, callers' app secrets and hook secrets in the "
        "store. Make one with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
    )


class SealedStore:
    """A `Store` that encrypts secrets on their way in and decrypts them on their way out."""

    def __init__(self, inner: Store, sealer: Sealer) -> None:
        self.inner = inner
        self._sealer = sealer

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    # -- kv ---------------------------------------------------------------------------
    def kv_get(self, key: str) -> str | None:
        raw = self.inner.kv_get(key)
        return self._sealer.unseal(raw) if raw is not None and sealed_key(key) else raw

    def kv_set(self, key: str, value: str, ttl: float) -> None:
        self.inner.kv_set(key, self._sealer.seal(value) if sealed_key(key) else value, ttl)

    def kv_set_if_absent(self, key: str, value: str, ttl: float) -> bool:
        return self.inner.kv_set_if_absent(key, self._sealer.seal(value) if sealed_key(key) else value, ttl)

    def kv_delete(self, key: str, expected: str | None = None) -> bool:
        if expected is None or not sealed_key(key):
            return self.inner.kv_delete(key, expected)
        raw = self.inner.kv_get(key)  # ciphertexts differ each time: compare plain texts, delete the raw one
        if raw is None or self._sealer.unseal(raw) != expected:
            return False
        return self.inner.kv_delete(key, raw)

    # -- hooks ------------------------------------------------------------------------
    def add_hook(self, hook: Hook) -> None:
        self.inner.add_hook(hook.model_copy(update={"secret": self._sealer.seal(hook.secret)}))

    def get_hook(self, hook_id: str) -> Hook | None:
        hook = self.inner.get_hook(hook_id)
        return self._open_hook(hook) if hook else None

    def list_hooks(self, api_key_id: str, event: str | None = None) -> list[Hook]:
        return [self._open_hook(hook) for hook in self.inner.list_hooks(api_key_id, event)]

    def _open_hook(self, hook: Hook) -> Hook:
        return hook.model_copy(update={"secret": self._sealer.unseal(hook.secret) or ""})
