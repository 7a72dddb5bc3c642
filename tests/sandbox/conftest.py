"""Fixtures: a real sandbox server per test and a small client whose methods read as Symbl calls."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from connector.sandbox import SandboxConfig, create_sandbox_app
from tests.servers import serve

APP_ID, APP_SECRET = "sandbox-app-id", "sandbox-app-secret"

SALES_CALL = [
    ("Alice", "alice@acme.com", "Hi Bob, this is Alice from Acme Corp. Thanks for joining today."),
    ("Bob", "bob@globex.com", "Happy to be here. What does the enterprise plan cost?"),
    (
        "Alice",
        "alice@acme.com",
        "The enterprise plan is $12,000 per year. I will send you the pricing proposal by Friday.",
    ),
    ("Bob", "bob@globex.com", "Honestly, we are also looking at Gong, but their pricing was frustrating."),
    ("Alice", "alice@acme.com", "Bob, can you share your security requirements tomorrow."),
    ("Bob", "bob@globex.com", "Sure. This sounds great, I really like the Salesforce integration."),
    ("Alice", "alice@acme.com", "Let's schedule a follow-up call next week to review the proposal."),
]


def text_body(lines=SALES_CALL, **options: Any) -> dict[str, Any]:
    """Return a text submit body for ``(name, email, content)`` lines."""
    return {
        "messages": [
            {"payload": {"content": c, "contentType": "text/plain"}, "from": {"name": n, "userId": e}}
            for n, e, c in lines
        ],
        **options,
    }


class Symbl:
    """A thin client for the sandbox, one method per user action."""

    def __init__(self, url: str, app_id: str = APP_ID, app_secret: str = APP_SECRET) -> None:
        self.url = url
        self.app_id, self.app_secret = app_id, app_secret
        self.session = requests.Session()
        self._token: str | None = None

    def generate_token(self, **overrides: Any) -> requests.Response:
        body = {"type": "application", "appId": self.app_id, "appSecret": self.app_secret, **overrides}
        return self.session.post(f"{self.url}/oauth2/token:generate", json=body, timeout=10)

    @property
    def token(self) -> str:
        if self._token is None:
            response = self.generate_token()
            assert response.status_code == 200, response.text
            self._token = response.json()["accessToken"]
        return self._token

    def headers(self, style: str = "bearer") -> dict[str, str]:
        return {"x-api-key": self.token} if style == "x-api-key" else {"Authorization": f"Bearer {self.token}"}

    def request(self, method: str, path: str, style: str = "bearer", **kwargs: Any) -> requests.Response:
        headers = {**self.headers(style), **kwargs.pop("headers", {})}
        return self.session.request(method, f"{self.url}{path}", headers=headers, timeout=10, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def submit_text(
        self, body: dict[str, Any] | None = None, conversation_id: str | None = None, **kwargs: Any
    ) -> requests.Response:
        path = "/v1/process/text" + (f"/{conversation_id}" if conversation_id else "")
        return self.request("PUT" if conversation_id else "POST", path, json=body or text_body(), **kwargs)

    def job_status(self, job_id: str) -> str:
        response = self.get(f"/v1/job/{job_id}")
        assert response.status_code == 200, response.text
        return response.json()["status"]

    def wait(self, job_id: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.job_status(job_id)
            if status in ("completed", "failed"):
                return status
            time.sleep(0.02)
        raise AssertionError(f"job {job_id} did not finish")

    def processed(self, body: dict[str, Any] | None = None) -> str:
        """Submit text, wait for completion, return the conversationId."""
        response = self.submit_text(body)
        assert response.status_code == 201, response.text
        assert self.wait(response.json()["jobId"]) == "completed"
        return response.json()["conversationId"]

    def control(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, f"{self.url}/_sandbox{path}", timeout=10, **kwargs)


@pytest.fixture
def config() -> SandboxConfig:
    return SandboxConfig(job_seconds=0.2, extra_credentials={"tenant-b": "secret-b"})


@pytest.fixture(scope="session")
def _server() -> Iterator[tuple[Any, str]]:
    """One real server for the session (stopping a server costs 0.5 s); tests get it reset."""
    app = create_sandbox_app(SandboxConfig())
    with serve(app) as url:
        yield app, url


@pytest.fixture
def app(_server: tuple[Any, str], config: SandboxConfig):
    """The session's sandbox app, forgotten and reconfigured with ``config`` for this test."""
    app = _server[0]
    state = app.extensions["sandbox"]
    state.reset()
    state.config = config
    return app


@pytest.fixture
def base_url(_server: tuple[Any, str], app) -> str:
    return _server[1]


@pytest.fixture
def symbl(base_url: str) -> Symbl:
    return Symbl(base_url)


@pytest.fixture
def sales_call(symbl: Symbl) -> str:
    """A completed sales-call conversation with entities, trackers and phrases enabled, held on Monday 2024-01-15."""
    body = text_body(
        detectEntities=True,
        detectPhrases=True,
        enableSummary=True,
        trackers=[{"name": "Competitors", "vocabulary": ["Gong", "Chorus"]}],
        entities=[{"customType": "Product", "value": "enterprise plan", "text": "enterprise plan"}],
    )
    body["messages"][0]["duration"] = {"startTime": "2024-01-15T15:00:00.000Z"}  # the conversation's own time
    return symbl.processed(body)
