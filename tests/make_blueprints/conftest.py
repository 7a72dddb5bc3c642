"""Fixtures: the facade, started as users self-host it, and a loopback webhook receiver.

The facade runs as a subprocess (`connector serve`) in sandbox mode, so nothing leaves the
machine; the receiver stands in for a Make webhook (scenario 2's, or the app's hook).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import pytest
import requests
from werkzeug.wrappers import Request, Response

from tests.make_blueprints.openapi import Spec
from tests.servers import serve

API_KEY = "sk_test_make_blueprints_0001"
CALLBACK_SECRET = "make-blueprints-callback-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Facade:
    url: str
    api_key: str
    callback_secret: str
    openapi: Spec

    def team(self, **extra: str) -> dict[str, str]:
        """The Make team variables a user sets after import, pointing at this facade."""
        return {"SYMBL_CONNECTOR_URL": self.url, "SYMBL_CONNECTOR_API_KEY": self.api_key, **extra}

    def get(self, path: str, **kw) -> requests.Response:
        return requests.get(self.url + path, headers={"Authorization": f"Bearer {self.api_key}"}, timeout=40, **kw)


@pytest.fixture(scope="session")
def facade(tmp_path_factory):
    """Run `connector serve` in sandbox mode on a free port; stop it at the end of the session."""
    tmp = tmp_path_factory.mktemp("facade")
    port = _free_port()
    env = {
        **os.environ,
        "CONNECTOR_API_KEYS": API_KEY,
        "CONNECTOR_STORE_URL": f"sqlite:///{tmp}/c.db",
        "CONNECTOR_CALLBACK_ALLOWLIST": "127.0.0.1,localhost,example.com",
        "CONNECTOR_CALLBACK_SECRET": CALLBACK_SECRET,
        "SANDBOX_JOB_SECONDS": "1",
    }
    for var in ("SYMBL_APP_ID", "SYMBL_APP_SECRET", "SYMBL_BASE_URL"):
        env.pop(var, None)
    log = open(tmp / "facade.log", "wb")  # noqa: SIM115 - the server process writes to it until the session ends
    proc = subprocess.Popen(
        [sys.executable, "-m", "connector.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"facade did not start: {(tmp / 'facade.log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        spec = Spec(requests.get(url + "/openapi.json", timeout=10).json())
        yield Facade(url, API_KEY, CALLBACK_SECRET, spec)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the facade and the sandbox it started, nothing else
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        log.close()


@pytest.fixture(scope="session")
def openapi(facade) -> Spec:
    return facade.openapi


@dataclass
class Delivery:
    headers: dict[str, str]
    raw: bytes

    @property
    def body(self) -> dict:
        return json.loads(self.raw)

    def signed_with(self, secret: str) -> bool:
        expected = "sha256=" + hmac.new(secret.encode(), self.raw, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.headers.get("X-Connector-Signature", ""))


@dataclass
class Receiver:
    """A stand-in for a Make webhook: records every POST, answers 200 like Make's 'Accepted'."""

    url: str = ""
    deliveries: list[Delivery] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def __call__(self, environ, start_response):
        req = Request(environ)
        with self.arrived:
            self.deliveries.append(Delivery(dict(req.headers), req.get_data()))
            self.arrived.notify_all()
        return Response("Accepted", 200)(environ, start_response)

    def wait_for(self, predicate, timeout: float = 20.0) -> Delivery:
        """Return the first delivery matching ``predicate``, waiting up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while True:
                for d in self.deliveries:
                    if predicate(d):
                        return d
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no matching delivery within {timeout} s; got {len(self.deliveries)}")
                self.arrived.wait(left)


@pytest.fixture
def receiver():
    rec = Receiver()
    with serve(rec) as url:
        rec.url = url + "/make-webhook"
        yield rec
