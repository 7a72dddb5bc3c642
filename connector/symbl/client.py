"""The Symbl HTTP client: one send path with timeouts, a bearer token, one retry on 401, and
backoff with jitter on 429/5xx/transport errors, all inside the caller's deadline.

Every method takes a ``deadline`` (a ``time.monotonic()`` value). Errors come out as
`connector.symbl.errors` types; a token never appears in a message or log line."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter

from connector.logs import request_id
from connector.metrics import UPSTREAM, upstream_endpoint
from connector.store.base import Store
from connector.symbl import retry
from connector.symbl.credentials import Credential
from connector.symbl.errors import (
    SymblAuthError,
    SymblBadRequest,
    SymblError,
    SymblNotFound,
    SymblRateLimited,
    SymblUnavailable,
)
from connector.symbl.tokens import TokenProvider

log = logging.getLogger(__name__)

TOKEN_PATH = "/oauth2/token:generate"
MANAGE_TRACKER = "/v1/manage/tracker"
MANAGE_TRACKERS = "/v1/manage/trackers"

# Conversation API path of each insight part (the conversation itself is "").
PART_PATHS: dict[str, str] = {
    "conversation": "",
    "messages": "/messages",
    "topics": "/topics",
    "action_items": "/action-items",
    "follow_ups": "/follow-ups",
    "questions": "/questions",
    "entities": "/entities",
    "analytics": "/analytics",
    "trackers": "/trackers-detected",
    "summary": "/summary",
}
PART_PARAMS: dict[str, dict[str, str]] = {"messages": {"sentiment": "true"}, "topics": {"sentiment": "true"}}


def segment(value: str) -> str:
    """An ID escaped as exactly one URL path segment: ``#``, ``?``, ``/`` and ``%`` cannot change
    which resource Symbl is asked about."""
    return quote(value, safe="")


def _message_of(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return body["message"][:300]
    return ""


def error_for(status: int, path: str, upstream_message: str) -> SymblError:
    """Translate a Symbl status into our error type with an actionable sentence."""
    detail = f" Symbl said: {upstream_message}" if upstream_message else ""
    if status == 401:
        return SymblAuthError(f"Symbl rejected the credentials or token (401).{detail}", status=status, path=path)
    if status == 404:
        return SymblNotFound(f"Symbl does not know this resource (404).{detail}", status=status, path=path)
    if status == 429:
        return SymblRateLimited(
            "Symbl is rate limiting this account (429: too many concurrent jobs or requests); try again shortly."
            + detail,
            status=status,
            path=path,
        )
    if status >= 500:
        return SymblUnavailable(f"Symbl answered {status}; try again shortly.{detail}", status=status, path=path)
    return SymblBadRequest(f"Symbl refused the request ({status}).{detail}", status=status, path=path)


class SymblClient:
    """Calls Symbl for any number of credentials; tokens are cached per credential in ``store``."""

    def __init__(
        self,
        base_url: str,
        store: Store,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        pool_size: int = 100,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._store = store
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._sleep = sleep
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._providers: dict[str, TokenProvider] = {}
        self._providers_lock = threading.Lock()

    # -- tokens ------------------------------------------------------------------------
    def tokens(self, credential: Credential) -> TokenProvider:
        """The token provider of one credential (created once per process)."""
        with self._providers_lock:
            provider = self._providers.get(credential.id)
            if provider is None:
                provider = TokenProvider(credential, self._store, self._generate_token)
                self._providers[credential.id] = provider
            return provider

    def _generate_token(self, credential: Credential) -> tuple[str, float]:
        deadline = time.monotonic() + self._connect_timeout + self._read_timeout
        body = {"type": "application", "appId": credential.app_id, "appSecret": credential.app_secret}
        data = self._send("POST", TOKEN_PATH, None, deadline, json=body, headers={"accept": "application/json"})
        try:
            return str(data["accessToken"]), float(data.get("expiresIn", 86400))
        except (KeyError, TypeError, ValueError) as exc:
            raise SymblError("Symbl's token answer had no accessToken.", path=TOKEN_PATH) from exc

    # -- the Symbl API ------------------------------------------------------------------
    def submit(
        self,
        credential: Credential,
        path: str,
        deadline: float,
        *,
        method: str = "POST",
        json_body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        data: Iterable[bytes] | None = None,
        content_type: str | None = None,
    ) -> dict[str, Any]:
        """Submit work (``/v1/process/...``); returns ``{conversationId, jobId}``.

        A streamed ``data`` body cannot be replayed, so it is sent once (no retries)."""
        headers = {"Content-Type": content_type} if content_type else {}
        return self._send(
            method,
            path,
            credential,
            deadline,
            json=json_body,
            params=params,
            data=data,
            headers=headers,
            replayable=data is None,
        )

    def job_status(self, credential: Credential, job_id: str, deadline: float) -> str:
        """Return a job's status string (lower case)."""
        data = self._send("GET", f"/v1/job/{segment(job_id)}", credential, deadline)
        return str(data.get("status", ""))

    def get_part(self, credential: Credential, conversation_id: str, part: str, deadline: float) -> Any:
        """Read one Conversation API part (see PART_PATHS)."""
        path = f"/v1/conversations/{segment(conversation_id)}{PART_PATHS[part]}"
        return self._send("GET", path, credential, deadline, params=PART_PARAMS.get(part))

    # -- Call Score and Experiences (summary pages) ----------------------------------------------
    def callscore_status(self, credential: Credential, conversation_id: str, deadline: float) -> str:
        """The Call Score's status (in_progress, completed, failed), lower case."""
        path = f"/v1/conversations/{quote(conversation_id, safe='')}/callscore/status"
        return str(self._send("GET", path, credential, deadline).get("status", "")).lower()

    def callscore(self, credential: Credential, conversation_id: str, deadline: float) -> dict[str, Any]:
        """``{score, summary, criteria[]}`` once the status is completed."""
        path = f"/v1/conversations/{quote(conversation_id, safe='')}/callscore"
        data = self._send("GET", path, credential, deadline)
        return data if isinstance(data, dict) else {}

    def create_experience(
        self, credential: Credential, conversation_id: str, body: dict[str, Any], deadline: float
    ) -> dict[str, Any]:
        """Create a hosted summary page: ``{name, url}``. Not idempotent: one call, no retry."""
        path = f"/v1/conversations/{quote(conversation_id, safe='')}/experiences"
        data = self._send("POST", path, credential, deadline, json=body, replayable=False)
        return data if isinstance(data, dict) else {}

    # -- the Management API (trackers; one concurrent call per account: callers serialise) ------
    def list_trackers(self, credential: Credential, deadline: float, name: str | None = None) -> list[dict[str, Any]]:
        """The account's saved trackers (only the one named ``name``, case-sensitive, when given)."""
        data = self._send("GET", MANAGE_TRACKERS, credential, deadline, params={"name": name} if name else None)
        return list(data.get("trackers") or []) if isinstance(data, dict) else []

    def get_tracker(self, credential: Credential, tracker_id: str, deadline: float) -> dict[str, Any]:
        """One saved tracker ``{id, name, vocabulary}``."""
        return self._send("GET", f"{MANAGE_TRACKER}/{segment(tracker_id)}", credential, deadline)["tracker"]

    def create_trackers(
        self, credential: Credential, trackers: list[dict[str, Any]], deadline: float
    ) -> list[dict[str, Any]]:
        """Create ``[{name, vocabulary}]`` in one call (Symbl creates all or none)."""
        return list(self._send("POST", MANAGE_TRACKERS, credential, deadline, json=trackers)["trackers"])

    def update_tracker(
        self, credential: Credential, tracker_id: str, tracker: dict[str, Any], deadline: float
    ) -> dict[str, Any]:
        """Replace a saved tracker's name and vocabulary."""
        body = {"id": tracker_id, "name": tracker["name"], "vocabulary": tracker["vocabulary"]}
        return self._send("PUT", f"{MANAGE_TRACKER}/{segment(tracker_id)}", credential, deadline, json=body)["tracker"]

    def delete_tracker(self, credential: Credential, tracker_id: str, deadline: float) -> None:
        """Delete a saved tracker."""
        self._send("DELETE", f"{MANAGE_TRACKER}/{segment(tracker_id)}", credential, deadline)

    # -- the one send path ------------------------------------------------------------------
    def _send(
        self,
        method: str,
        path: str,
        credential: Credential | None,
        deadline: float,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        data: Iterable[bytes] | None = None,
        headers: dict[str, str] | None = None,
        replayable: bool = True,
    ) -> Any:
        url = self.base_url + path
        attempt = 0
        refreshed = False
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SymblUnavailable("The deadline passed before Symbl answered.", path=path)
            send_headers = dict(headers or {})
            if request_id.get():
                send_headers["X-Request-Id"] = request_id.get()
            token = ""
            if credential is not None:
                token = self.tokens(credential).get()
                send_headers["Authorization"] = f"Bearer {token}"
            status: int | None
            try:
                response = self.session.request(
                    method,
                    url,
                    json=json,
                    params=params,
                    data=data,
                    headers=send_headers,
                    timeout=(min(self._connect_timeout, remaining), min(self._read_timeout, remaining)),
                )
                status = response.status_code
                UPSTREAM.labels(upstream_endpoint(path), str(status)).inc()
            except (requests.ConnectionError, requests.Timeout) as exc:
                UPSTREAM.labels(upstream_endpoint(path), type(exc).__name__).inc()
                response, status = None, None
                failure: SymblError = SymblUnavailable(
                    f"Could not reach Symbl ({type(exc).__name__}); try again shortly.", path=path
                )
            if response is not None:
                if status is not None and status < 300:
                    try:
                        return response.json()
                    except ValueError as exc:
                        raise SymblError(f"Symbl answered {status} with a body that is not JSON.", path=path) from exc
                if status == 401 and credential is not None and not refreshed and replayable:
                    refreshed = True  # one refresh and one retry, then the 401 stands
                    self.tokens(credential).invalidate(token)
                    log.info("symbl 401: token refreshed once", extra={"path": path})
                    continue
                failure = error_for(status or 0, path, _message_of(response))
            if not replayable or not retry.should_retry(status) or attempt + 1 >= retry.MAX_ATTEMPTS:
                raise failure
            pause = retry.delay(attempt)
            if time.monotonic() + pause >= deadline:
                raise failure
            log.info("symbl retry", extra={"path": path, "status": status, "attempt": attempt + 1, "delay": pause})
            self._sleep(pause)
            attempt += 1
