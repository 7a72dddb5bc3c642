"""The outbox sender re-checks the SSRF guard at delivery time (DNS rebinding) and gives up
after the retry window."""

from __future__ import annotations

import socket
import time

from connector.jobs.delivery import OutboxSender, retry_delay
from connector.store import open_store
from connector.store.base import OutboxEvent


def event(url: str, created_at: float) -> OutboxEvent:
    return OutboxEvent(
        id="ev1",
        kind="callback",
        event="conversation.completed",
        target_url=url,
        job_id="j1",
        payload="{}",
        next_attempt_at=0,
        created_at=created_at,
    )


def test_a_name_that_now_resolves_to_a_private_address_is_refused(tmp_path, monkeypatch):
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    from connector.store.base import Submission

    store.put_submission(
        Submission(
            job_id="j1",
            conversation_id="c1",
            api_key_id="k",
            credential_id="c",
            created_at=time.time(),
            updated_at=time.time(),
        )
    )
    store.finish_submission("j1", "completed", None, [event("https://rebind.example/hook", time.time())])
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 443))]
    )
    sender = OutboxSender(store, callback_secret="s", allowlist=[], retry_hours=26)
    assert sender.deliver_due() == 0
    failed = store.get_event("ev1")
    assert failed.status == "pending" and failed.attempts == 1 and failed.last_error.startswith("refused")
    assert failed.next_attempt_at > time.time()


def test_delivery_gives_up_after_the_retry_window(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    from connector.store.base import Submission

    store.put_submission(
        Submission(
            job_id="j1",
            conversation_id="c1",
            api_key_id="k",
            credential_id="c",
            created_at=time.time(),
            updated_at=time.time(),
        )
    )
    long_ago = time.time() - 27 * 3600
    store.finish_submission("j1", "completed", None, [event("https://10.0.0.1/hook", long_ago)])
    OutboxSender(store, callback_secret="s", allowlist=[], retry_hours=26).deliver_due()
    assert store.get_event("ev1").status == "dead"


def test_backoff_grows_to_an_hour():
    assert [retry_delay(n) for n in (1, 2, 3)] == [10, 20, 40]
    assert retry_delay(30) == 3600
