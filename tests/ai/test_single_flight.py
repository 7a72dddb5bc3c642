"""Unit tests of the single-flight rules with a fake Symbl client and a real SQLite store: the race
where the previous lease holder finishes between a waiter's read and its lease."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connector.ai.callscore import CallScores
from connector.ai.summary_pages import SummaryPages
from connector.store import open_store
from connector.symbl.credentials import Credential

CREDENTIAL = Credential("app", "secret")


class RacingStore:
    """Wraps a store; the first read of ``key`` answers None (as if it were read just before the
    previous lease holder wrote it), later reads see the value."""

    def __init__(self, inner: Any, key: str, value: str) -> None:
        self.inner, self.key, self.value, self.missed = inner, key, value, False

    def kv_get(self, key: str) -> str | None:
        if key == self.key and not self.missed:
            self.missed = True
            self.inner.kv_set(key, self.value, 60)  # the other holder writes it right after our read
            return None
        return self.inner.kv_get(key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class CountingClient:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def create_experience(self, credential: Credential, conversation_id: str, body: dict, deadline: float) -> dict:
        self.calls.append("experience")
        return {"name": body["name"], "url": "https://pages.example/new"}

    def callscore_status(self, credential: Credential, conversation_id: str, deadline: float) -> str:
        self.calls.append("status")
        return "completed"

    def callscore(self, credential: Credential, conversation_id: str, deadline: float) -> dict:
        self.calls.append("score")
        return {"score": 50, "summary": "", "criteria": []}


def test_a_page_created_while_we_took_the_lease_is_not_created_again(tmp_path: Path) -> None:
    store = RacingStore(open_store(f"sqlite:///{tmp_path}/s.db"), "summary-url:c1", "https://pages.example/first")
    client = CountingClient()
    url = SummaryPages(client, store).url(CREDENTIAL, "c1", deadline=1e12)  # type: ignore[arg-type]
    assert url == "https://pages.example/first" and client.calls == []


def test_a_score_kept_while_we_took_the_lease_is_not_read_again(tmp_path: Path) -> None:
    store = RacingStore(open_store(f"sqlite:///{tmp_path}/s.db"), "callscore:c1:j1", '{"score": 70, "criteria": []}')
    client = CountingClient()
    score = CallScores(client, store).wait(CREDENTIAL, "c1", "j1", deadline=1e12)  # type: ignore[arg-type]
    assert score.state == "ready" and score.body["score"] == 70 and client.calls == []
