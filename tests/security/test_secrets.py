"""Secrets at rest: the store (SQLite file and its WAL, or Redis) holds no Symbl token, caller's app
secret, hook secret or webhook secret in plain text; the SQLite files are the owner's only; a short
webhook secret and a live mode without an encryption key are refused at startup."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
import requests
from cryptography.fernet import Fernet
from pydantic import ValidationError

from connector.app import describe
from connector.config import Settings
from connector.store.sealed import EncryptionKeyError, Sealer, sealer_for
from tests.security.infra_helpers import (
    API_KEY,
    OWN_APP_ID,
    OWN_APP_SECRET,
    TRANSCRIPT,
    Api,
    base_settings,
    in_process_facade,
    own_sandbox,
)
from tests.store.conftest import RedisServer, free_port, redis_server

__all__ = ["own_sandbox", "redis_server"]


def _symbl_token(sandbox_url: str, app_id: str, app_secret: str) -> str:
    """The token Symbl hands out for a credential (the sandbox returns the cached, still-valid one)."""
    answer = requests.post(
        f"{sandbox_url}/oauth2/token:generate",
        json={"type": "application", "appId": app_id, "appSecret": app_secret},
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()["accessToken"]


def _use_every_secret(url: str, app) -> list[str]:
    """Create a hook, submit with the caller's own credential and with the server's, let the webhook
    secret be generated; return the secrets that must not appear in the store."""
    api = Api(url)
    hook = api.session.post(
        f"{url}/v1/hooks", json={"target_url": "http://127.0.0.1:9/in"}, headers=api.headers(), timeout=10
    )
    assert hook.status_code == 201, hook.text
    own = api.submit(
        {"transcript": TRANSCRIPT, "wait": 30},
        headers={"X-Symbl-App-Id": OWN_APP_ID, "X-Symbl-App-Secret": OWN_APP_SECRET},
    )
    assert own.status_code == 200, own.text
    server = api.submit({"transcript": TRANSCRIPT, "wait": 30})
    assert server.status_code == 200, server.text
    the = describe(app)
    return [OWN_APP_SECRET, hook.json()["secret"], the.webhook_secret()]


@pytest.mark.slow
def test_sqlite_file_holds_no_secret_in_plain_text_and_is_owner_only(own_sandbox, tmp_path: Path):
    with in_process_facade(base_settings(own_sandbox.url, tmp_path)) as (url, app):
        secrets = _use_every_secret(url, app)
        secrets += [
            _symbl_token(own_sandbox.url, OWN_APP_ID, OWN_APP_SECRET),
            _symbl_token(own_sandbox.url, "sandbox-app-id", "sandbox-app-secret"),
        ]
        files = [tmp_path / name for name in ("connector.db", "connector.db-wal", "connector.db-shm")]
        raw = b"".join(path.read_bytes() for path in files if path.exists())
        assert b"token:cred_" in raw  # the token cache was written...
        for secret in secrets:
            assert secret.encode() not in raw  # ...but no secret in it is readable
        for path in [*files, tmp_path / "connector.key"]:
            assert path.exists(), path
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


@pytest.mark.slow
@pytest.mark.redis
def test_redis_values_hold_no_secret_in_plain_text(own_sandbox, tmp_path: Path, redis_server: RedisServer):
    prefix = f"sec-{uuid.uuid4().hex[:8]}:"
    settings = base_settings(
        own_sandbox.url,
        tmp_path,
        CONNECTOR_STORE_URL=f"{redis_server.url}?prefix={prefix}",
        CONNECTOR_ENCRYPTION_KEY=Fernet.generate_key().decode(),
    )
    with in_process_facade(settings) as (url, app):
        secrets = _use_every_secret(url, app)
        secrets += [_symbl_token(own_sandbox.url, OWN_APP_ID, OWN_APP_SECRET)]
        client = redis.Redis.from_url(redis_server.url)
        dump = b""
        for key in client.scan_iter(f"{prefix}*"):
            kind = client.type(key)
            if kind == b"string":
                dump += key + b"=" + client.get(key) + b"\n"
            elif kind == b"hash":
                dump += key + b"=" + repr(client.hgetall(key)).encode() + b"\n"
        assert f"{prefix}kv:token:cred_".encode() in dump
        for secret in secrets:
            assert secret.encode() not in dump


def test_rotation_first_key_encrypts_every_key_decrypts():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed_with_old = Sealer([old]).seal("hook-secret")
    rotated = Sealer([new, old])
    assert rotated.unseal(sealed_with_old) == "hook-secret"
    assert Sealer([new]).unseal(rotated.seal("x")) == "x"
    with pytest.raises(EncryptionKeyError, match="not a Fernet key"):
        Sealer(["not-a-key"])


def test_live_mode_without_an_encryption_key_is_refused(tmp_path: Path):
    with pytest.raises(EncryptionKeyError, match="CONNECTOR_ENCRYPTION_KEY is required in live mode"):
        sealer_for("", sandbox=False, store_url=f"sqlite:///{tmp_path}/c.db")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SYMBL_", "CONNECTOR_"))}
    env.update(
        {
            "SYMBL_APP_ID": "app",
            "SYMBL_APP_SECRET": "secret",
            "CONNECTOR_API_KEYS": API_KEY,
            "CONNECTOR_STORE_URL": f"sqlite:///{tmp_path}/c.db",
        }
    )
    done = subprocess.run(
        [sys.executable, "-m", "connector.cli", "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "CONNECTOR_ENCRYPTION_KEY is required in live mode" in done.stderr
    assert "Traceback" not in done.stderr


def test_short_webhook_secret_is_refused_at_startup(tmp_path: Path):
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(CONNECTOR_WEBHOOK_SECRET="too-short")  # type: ignore[call-arg]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SYMBL_", "CONNECTOR_"))}
    env.update({"CONNECTOR_WEBHOOK_SECRET": "short-secret", "CONNECTOR_STORE_URL": f"sqlite:///{tmp_path}/c.db"})
    done = subprocess.run(
        [sys.executable, "-m", "connector.cli", "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "CONNECTOR_WEBHOOK_SECRET" in done.stderr and "at least 32 characters" in done.stderr
    assert "short-secret" not in done.stderr and "Traceback" not in done.stderr
