"""Deliveries: DNS rebinding cannot steer a delivery to another address than the one checked; TLS
still verifies the host name when the address is pinned; a captured delivery cannot be replayed;
links never come from a forged Host header in live mode."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
import standardwebhooks.webhooks as standard
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import Flask, request
from werkzeug.serving import make_server

from connector.jobs.pinning import pinned_session
from connector.jobs.signing import verify_standard
from connector.jobs.urlguard import checked_target
from tests.jobs.test_readme_receiver_sample import _sample
from tests.receiver import receiver
from tests.security.infra_helpers import (
    TRANSCRIPT,
    Api,
    base_settings,
    eventually,
    in_process_facade,
    own_sandbox,
)
from tests.store.conftest import free_port

__all__ = ["own_sandbox"]

CALLBACK_SECRET = "callback-secret-for-replay-tests"


@contextmanager
def recorder(host: str, port: int, *, tls: ssl.SSLContext | None = None) -> Iterator[list[dict[str, Any]]]:
    """An HTTP(S) server on host:port that records each request's Host header and body."""
    app = Flask(f"recorder-{host}")
    seen: list[dict[str, Any]] = []

    @app.post("/<path:anything>")
    def hit(anything: str):
        seen.append({"host": request.headers.get("Host"), "body": request.get_data()})
        return "", 204

    server = make_server(host, port, app, threaded=True, ssl_context=tls)
    import threading

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        server.shutdown()
        server.server_close()


def rebinding_resolver(monkeypatch: pytest.MonkeyPatch, name: str, first: str, later: str, honest_answers: int) -> None:
    """``name`` resolves to ``first`` for the first ``honest_answers`` lookups, then to ``later``."""
    real = socket.getaddrinfo
    calls = {"n": 0}

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != name:
            return real(host, port, *args, **kwargs)
        calls["n"] += 1
        address = first if calls["n"] <= honest_answers else later
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 0)))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def test_checked_target_returns_the_address_it_checked(monkeypatch: pytest.MonkeyPatch):
    rebinding_resolver(monkeypatch, "rebind.test", "93.184.216.34", "127.0.0.1", honest_answers=1)
    url, address = checked_target("https://rebind.test/hook", [])
    assert (url, address) == ("https://rebind.test/hook", "93.184.216.34")
    assert checked_target("https://hooks.internal/x", ["hooks.internal"])[1] is None  # allow-listed by name


@pytest.mark.slow
def test_dns_rebinding_cannot_steer_a_delivery_to_loopback(own_sandbox, tmp_path: Path, monkeypatch):
    """The name answers 127.0.0.2 (allow-listed) to the guard (at submit and before delivery), and
    127.0.0.1 (not allowed) to anyone asking after that. The delivery must land on 127.0.0.2."""
    port = free_port()
    rebinding_resolver(monkeypatch, "rebind.test", "127.0.0.2", "127.0.0.1", honest_answers=2)
    settings = base_settings(
        own_sandbox.url,
        tmp_path,
        CONNECTOR_CALLBACK_ALLOWLIST="127.0.0.2/32",
        CONNECTOR_CALLBACK_SECRET=CALLBACK_SECRET,
    )
    with (
        recorder("127.0.0.2", port) as checked,
        recorder("127.0.0.1", port) as internal,
        in_process_facade(settings) as (url, _app),
    ):
        answer = Api(url).submit(
            {"transcript": TRANSCRIPT, "wait": 0, "callback_url": f"http://rebind.test:{port}/callback"}
        )
        assert answer.status_code == 202, answer.text
        eventually(lambda: checked, timeout=30)
        time.sleep(0.5)
        assert internal == []
        assert checked[0]["host"] == f"rebind.test:{port}"  # the name, not the pinned IP


def _certificate(tmp_path: Path, name: str) -> tuple[ssl.SSLContext, str]:
    """A self-signed certificate for ``name``: the server's TLS context and the CA file to trust."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / f"{name}.crt", tmp_path / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context, str(cert_file)


def test_pinned_connection_still_verifies_tls_against_the_host_name(tmp_path: Path):
    port = free_port()
    context, ca_file = _certificate(tmp_path, "hooks.example.test")
    with (
        recorder("127.0.0.1", port, tls=context) as seen,
        pinned_session("127.0.0.1") as session,
    ):  # no DNS at all: the name is only in the URL
        ok = session.post(f"https://hooks.example.test:{port}/in", data=b"{}", verify=ca_file, timeout=10)
        assert ok.status_code == 204
        assert seen[0]["host"] == f"hooks.example.test:{port}"
        with pytest.raises(requests.exceptions.SSLError):  # a certificate for another name is refused
            session.post(f"https://other.example.test:{port}/in", data=b"{}", verify=ca_file, timeout=10)


@pytest.mark.slow
def test_a_captured_delivery_cannot_be_replayed(own_sandbox, tmp_path: Path, monkeypatch):
    settings = base_settings(own_sandbox.url, tmp_path, CONNECTOR_CALLBACK_SECRET=CALLBACK_SECRET)
    with receiver() as got, in_process_facade(settings) as (url, _app):
        answer = Api(url).submit({"transcript": TRANSCRIPT, "wait": 0, "callback_url": got.url})
        assert answer.status_code == 202, answer.text
        eventually(lambda: got.bodies, timeout=30)
    body, headers = got.bodies[0], {k.lower(): v for k, v in got.headers[0].items()}
    assert verify_standard(body, CALLBACK_SECRET, headers)
    readme_verify = _sample()
    assert readme_verify(body, CALLBACK_SECRET, headers)
    assert not readme_verify(body, CALLBACK_SECRET, headers)  # replayed at once: the ID was seen
    assert not verify_standard(body + b" ", CALLBACK_SECRET, headers)  # tampered

    later = time.time() + 301  # the attacker replays the capture more than 5 minutes later

    class Later(dt.datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return dt.datetime.fromtimestamp(later, tz)

    monkeypatch.setattr(standard, "datetime", Later)
    monkeypatch.setattr(time, "time", lambda: later)
    assert not verify_standard(body, CALLBACK_SECRET, headers)
    assert not _sample()(body, CALLBACK_SECRET, headers)  # a receiver that never saw the ID refuses it too


@pytest.mark.slow
def test_live_mode_links_ignore_a_forged_host_header(own_sandbox, tmp_path: Path):
    """A live-mode facade (Symbl is the sandbox here) answers links under CONNECTOR_PUBLIC_URL, or
    relative ones, never under the Host header a caller sent."""
    live = {
        "SYMBL_APP_ID": "sandbox-app-id",
        "SYMBL_APP_SECRET": "sandbox-app-secret",
        "CONNECTOR_ENCRYPTION_KEY": "8BWqXq2Cq8lH9d3Zq0o7m3sWZt5U1h0tYVQe1l7H2Xw=",
    }
    forged = {"Host": "evil.example"}
    for public_url, expected_prefix in (
        ("https://connector.example.com", "https://connector.example.com/v1/"),
        ("", "/v1/"),
    ):
        settings = base_settings(
            own_sandbox.url, tmp_path / ((public_url and "p") or "r"), CONNECTOR_PUBLIC_URL=public_url, **live
        )
        with in_process_facade(settings) as (url, _app):
            api = Api(url)
            answer = api.submit({"transcript": TRANSCRIPT, "wait": 0}, headers=forged)
            assert answer.status_code == 202, answer.text
            assert "evil.example" not in answer.text and "evil.example" not in answer.headers["Location"]
            assert answer.json()["links"]["job"].startswith(expected_prefix)
            job = api.job(answer.json()["job_id"], wait=10)
            listed = api.get("/v1/conversations", headers=forged)
            assert "evil.example" not in job.text + listed.text
