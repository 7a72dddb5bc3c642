"""The Nebula client: Symbl's LLM on its own host, authenticated with an ``ApiKey`` header.

``POST /v1/model/chat`` takes ``{system_prompt, messages: [{role: human|assistant, text}]}`` and
answers the messages with the model's reply appended; the reply is ``messages[-1].text``. Nebula
documents no error bodies or rate limits, so 429, 5xx and transport errors are retried with the
same backoff as Symbl's API, inside the caller's deadline. The key never appears in a message."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import requests

from connector.metrics import UPSTREAM
from connector.symbl import retry
from connector.symbl.client import error_for
from connector.symbl.errors import SymblError, SymblUnavailable

log = logging.getLogger(__name__)

CHAT_PATH = "/v1/model/chat"
MAX_NEW_TOKENS = 1024


class NebulaNotConfigured(Exception):
    """No Nebula API key is configured (live mode)."""


class NebulaClient:
    """Calls Nebula's chat endpoint with retries within a deadline."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._session = session or requests.Session()
        self._sleep = sleep

    @property
    def configured(self) -> bool:
        return bool(self._api_key)

    def chat(self, system_prompt: str, text: str, deadline: float) -> str:
        """Send one human message; return the assistant's reply."""
        if not self._api_key:
            raise NebulaNotConfigured()
        body = {
            "max_new_tokens": MAX_NEW_TOKENS,
            "top_p": 0.95,
            "top_k": 1,
            "temperature": 0.0,
            "repetition_penalty": 1.0,
            "system_prompt": system_prompt,
            "messages": [{"role": "human", "text": text}],
        }
        data = self._post(CHAT_PATH, body, deadline)
        messages = data.get("messages") if isinstance(data, dict) else None
        if not isinstance(messages, list) or not messages or not isinstance(messages[-1], dict):
            raise SymblError("Nebula's answer had no messages.", path=CHAT_PATH)
        reply = messages[-1]
        if reply.get("role") != "assistant" or not isinstance(reply.get("text"), str):
            raise SymblError("Nebula's answer did not end with the assistant's reply.", path=CHAT_PATH)
        return str(reply["text"])

    def _post(self, path: str, body: dict[str, Any], deadline: float) -> Any:
        attempt = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SymblUnavailable("The deadline passed before Nebula answered.", path=path)
            status: int | None = None
            try:
                response = self._session.post(
                    self.base_url + path,
                    json=body,
                    headers={"ApiKey": self._api_key, "Accept": "application/json"},
                    timeout=(min(self._connect_timeout, remaining), min(self._read_timeout, remaining)),
                )
                status = response.status_code
                UPSTREAM.labels("nebula_chat", str(status)).inc()
                if status < 300:
                    try:
                        return response.json()
                    except ValueError as exc:
                        raise SymblError("Nebula answered with a body that is not JSON.", path=path) from exc
                failure = error_for(status, path, "")
                failure.message = failure.message.replace("Symbl", "Nebula")
            except (requests.ConnectionError, requests.Timeout) as exc:
                UPSTREAM.labels("nebula_chat", type(exc).__name__).inc()
                failure = SymblUnavailable(
                    f"Could not reach Nebula ({type(exc).__name__}); try again shortly.", path=path
                )
            if not retry.should_retry(status) or attempt + 1 >= retry.MAX_ATTEMPTS:
                raise failure
            pause = retry.delay(attempt)
            if time.monotonic() + pause >= deadline:
                raise failure
            log.info("nebula retry", extra={"status": status, "attempt": attempt + 1, "delay": pause})
            self._sleep(pause)
            attempt += 1
