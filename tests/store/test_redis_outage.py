"""A Redis outage: quick `StoreUnavailable`, then recovery when redis-server is back on its port."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from connector.store import StoreUnavailable, open_store
from connector.store.redis import RedisStore

from .conftest import RedisServer
from .test_contract import Inbox, sub

pytestmark = [pytest.mark.redis, pytest.mark.slow]


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own, so stopping it does not disturb the others."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


def eventually(action, timeout: float = 5.0):  # type: ignore[no-untyped-def]
    """Retry ``action`` until it stops raising StoreUnavailable."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return action()
        except StoreUnavailable:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_outage_is_reported_quickly_and_recovered_from(own_redis: RedisServer) -> None:
    store = open_store(own_redis.url)
    assert isinstance(store, RedisStore)
    inbox = Inbox()
    stop = store.listen(inbox)
    try:
        store.put_submission(sub("before"))
        own_redis.stop()

        for action in (store.ping, lambda: store.get_submission("before"), lambda: store.put_submission(sub("x")),
                       lambda: store.kv_set_if_absent("k", "v", 5), lambda: store.publish("j", "completed")):  # fmt: skip
            started = time.monotonic()
            with pytest.raises(StoreUnavailable, match="cannot be reached"):
                action()
            assert time.monotonic() - started < 3

        own_redis.start()  # same port, empty (no persistence in tests)
        eventually(store.ping)
        store.put_submission(sub("after"))
        assert store.get_submission("after") is not None
        # the subscriber thread reconnects by itself
        deadline = time.monotonic() + 5
        while inbox.wait_for("wake", timeout=0.2) is None and time.monotonic() < deadline:
            store.publish("wake", "completed")
        assert inbox.wait_for("wake", timeout=0.1) is not None, "the listener did not reconnect"
    finally:
        stop()
        store.close()


def test_listen_while_redis_is_down_starts_delivering_once_it_is_back(own_redis: RedisServer) -> None:
    own_redis.stop()
    store = open_store(own_redis.url)
    inbox = Inbox()
    started = time.monotonic()
    stop = store.listen(inbox)  # does not raise; keeps trying in the background
    assert time.monotonic() - started < 3
    try:
        own_redis.start()
        deadline = time.monotonic() + 8
        while inbox.wait_for("wake", timeout=0.2) is None and time.monotonic() < deadline:
            eventually(lambda: store.publish("wake", "completed"))
        assert inbox.wait_for("wake", timeout=0.1) is not None
    finally:
        stop()
        store.close()


def test_the_password_never_appears_in_errors(own_redis: RedisServer) -> None:
    own_redis.stop()
    store = open_store(f"redis://user:hunter2@127.0.0.1:{own_redis.port}/0")
    try:
        with pytest.raises(StoreUnavailable) as caught:
            store.ping()
        assert "hunter2" not in str(caught.value) and "***" in str(caught.value)
    finally:
        store.close()


def test_a_silent_redis_is_reported_within_the_socket_timeout() -> None:
    with socket.socket() as silent:  # accepts connections (kernel backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        store = open_store(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        try:
            started = time.monotonic()
            with pytest.raises(StoreUnavailable, match="cannot be reached"):
                store.kv_get("k")
            assert time.monotonic() - started < 3
        finally:
            store.close()
