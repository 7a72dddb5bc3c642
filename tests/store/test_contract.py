"""The store contract: every test here runs against SQLite and against a real Redis."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from connector.store import Hook, OutboxEvent, Store, Submission
from connector.store.base import BatchItem, BatchRecord

T0 = 1_700_000_000.0


def sub(job_id: str, **fields: Any) -> Submission:
    """A submission with sensible defaults; ``created_at`` defaults to T0."""
    defaults: dict[str, Any] = dict(
        conversation_id=f"conv-{job_id}", api_key_id="key_a", credential_id="cred_1", created_at=T0, updated_at=T0
    )
    return Submission(job_id=job_id, **{**defaults, **fields})


def event(event_id: str, job_id: str = "job-1", **fields: Any) -> OutboxEvent:
    defaults: dict[str, Any] = dict(
        kind="callback", event="conversation.completed", target_url="https://example.com/cb",
        payload='{"event": "conversation.completed"}', next_attempt_at=T0, created_at=T0,
    )  # fmt: skip
    return OutboxEvent(id=event_id, job_id=job_id, **{**defaults, **fields})


def race(n: int, action: Callable[[int], Any]) -> list[Any]:
    """Run ``action(i)`` in ``n`` threads released at the same moment; return the results."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        results[i] = action(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


# -- health --------------------------------------------------------------------------------
def test_ping(store: Store) -> None:
    store.ping()


# -- submissions -------------------------------------------------------------------------
def test_put_then_get_round_trips_every_field(store: Store) -> None:
    original = sub(
        "job-1", status="in_progress", kind="append", name="Weekly sync", options={"language": "en-US", "include": ["topics"]},
        callback_url="https://example.com/cb", error={"code": "x", "message": "y"}, created_at=T0 + 0.123456,
        updated_at=T0 + 1.5,
    )  # fmt: skip
    store.put_submission(original)
    assert store.get_submission("job-1") == original
    assert store.get_submission("missing") is None


def test_put_replaces(store: Store) -> None:
    store.put_submission(sub("job-1", name="first", callback_url="https://example.com/a"))
    store.put_submission(sub("job-1", name="second", api_key_id="key_b"))
    got = store.get_submission("job-1")
    assert got is not None and got.name == "second" and got.callback_url is None
    assert [s.job_id for s in store.list_submissions("key_b")] == ["job-1"]
    assert store.list_submissions("key_a") == []


def test_latest_submission_is_newest_by_created_at(store: Store) -> None:
    store.put_submission(sub("job-2", conversation_id="c", created_at=T0 + 20))
    store.put_submission(sub("job-3", conversation_id="c", created_at=T0 + 10))  # written later, older
    store.put_submission(sub("job-1", conversation_id="c", created_at=T0))
    store.put_submission(sub("job-9", conversation_id="other", created_at=T0 + 99))
    latest = store.latest_submission("c")
    assert latest is not None and latest.job_id == "job-2"
    assert store.latest_submission("nope") is None


@pytest.fixture
def listed(store: Store) -> Store:
    """Five submissions of key_a and one of key_b, at T0+0..T0+4."""
    rows = [
        ("j0", "Weekly Sync", "completed"),
        ("j1", "Sales call", "in_progress"),
        ("j2", "weekly planning", "failed"),
        ("j3", "Ünïcode WEEKLY", "completed"),
        ("j4", "", "scheduled"),
    ]
    for i, (job_id, name, status) in enumerate(rows):
        store.put_submission(sub(job_id, name=name, status=status, created_at=T0 + i))
    store.put_submission(sub("other", api_key_id="key_b", name="Weekly Sync", created_at=T0 + 10))
    return store


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["j4", "j3", "j2", "j1", "j0"]),
        ({"name": "weekly"}, ["j3", "j2", "j0"]),
        ({"name": "SYNC"}, ["j0"]),
        ({"name": "ünïcode"}, ["j3"]),
        ({"since": T0 + 2}, ["j4", "j3", "j2"]),
        ({"status": "completed"}, ["j3", "j0"]),
        ({"limit": 2}, ["j4", "j3"]),
        ({"limit": 0}, []),
        ({"name": "weekly", "since": T0 + 1, "status": "completed", "limit": 5}, ["j3"]),
        ({"name": "no such name"}, []),
    ],
)
def test_list_submissions_filters(listed: Store, filters: dict[str, Any], expected: list[str]) -> None:
    assert [s.job_id for s in listed.list_submissions("key_a", **filters)] == expected


def test_list_submissions_is_per_key(listed: Store) -> None:
    assert [s.job_id for s in listed.list_submissions("key_b")] == ["other"]
    assert listed.list_submissions("key_unknown") == []


def test_pending_submissions_oldest_first(listed: Store) -> None:
    assert [s.job_id for s in listed.pending_submissions()] == ["j1", "j4", "other"]
    assert [s.job_id for s in listed.pending_submissions(limit=1)] == ["j1"]


def test_set_status(store: Store) -> None:
    store.put_submission(sub("job-1", status="scheduled"))
    assert store.set_status("job-1", "in_progress") is True
    got = store.get_submission("job-1")
    assert got is not None and got.status == "in_progress" and got.updated_at > T0
    assert store.set_status("missing", "in_progress") is False


def test_set_status_is_a_no_op_on_terminal_jobs(store: Store) -> None:
    store.put_submission(sub("job-1", status="completed"))
    assert store.set_status("job-1", "in_progress") is False
    assert store.get_submission("job-1").status == "completed"  # type: ignore[union-attr]


def test_set_status_refuses_terminal_states(store: Store) -> None:
    store.put_submission(sub("job-1"))
    with pytest.raises(ValueError, match="finish_submission"):
        store.set_status("job-1", "completed")


def test_finish_submission(store: Store) -> None:
    store.put_submission(sub("job-1", status="in_progress"))
    events = [event("ev-1"), event("ev-2", kind="hook", hook_id="hook-1", target_url="https://example.com/h")]
    assert store.finish_submission("job-1", "failed", {"code": "job_failed", "message": "boom"}, events) is True
    got = store.get_submission("job-1")
    assert got is not None and got.status == "failed" and got.error == {"code": "job_failed", "message": "boom"}
    assert store.pending_submissions() == []
    assert store.get_event("ev-2") == events[1]
    assert store.outbox_counts() == {"pending": 2, "delivered": 0, "dead": 0}
    # a second finish changes nothing and enqueues nothing
    assert store.finish_submission("job-1", "completed", None, [event("ev-3")]) is False
    assert store.get_submission("job-1").status == "failed"  # type: ignore[union-attr]
    assert store.get_event("ev-3") is None
    assert store.finish_submission("missing", "completed", None, [event("ev-4")]) is False
    assert store.get_event("ev-4") is None


def test_finish_submission_refuses_non_terminal_states(store: Store) -> None:
    store.put_submission(sub("job-1"))
    with pytest.raises(ValueError, match="terminal"):
        store.finish_submission("job-1", "in_progress", None, [])


def test_finish_submission_race_has_one_winner(open_stores: Callable[[], Store]) -> None:
    stores = [open_stores() for _ in range(4)]  # as several workers would
    stores[0].put_submission(sub("job-1", status="in_progress"))

    def finish(i: int) -> bool:
        return stores[i % 4].finish_submission("job-1", "completed", None, [event(f"ev-{i}-a"), event(f"ev-{i}-b")])

    results = race(20, finish)
    assert results.count(True) == 1
    winner = results.index(True)
    assert stores[0].outbox_counts()["pending"] == 2
    assert {e.id for e in stores[0].due_events(T0 + 1)} == {f"ev-{winner}-a", f"ev-{winner}-b"}


# -- small expiring values --------------------------------------------------------------
def test_kv_set_get_delete(store: Store) -> None:
    assert store.kv_get("k") is None
    store.kv_set("k", "v1", ttl=30)
    assert store.kv_get("k") == "v1"
    store.kv_set("k", "v2", ttl=30)
    assert store.kv_get("k") == "v2"
    assert store.kv_delete("k", expected="v1") is False
    assert store.kv_get("k") == "v2"
    assert store.kv_delete("k", expected="v2") is True
    assert store.kv_get("k") is None
    assert store.kv_delete("k") is False
    store.kv_set("k", "v3", ttl=30)
    assert store.kv_delete("k") is True


def test_kv_values_expire(store: Store) -> None:
    store.kv_set("k", "v", ttl=0.2)
    assert store.kv_set_if_absent("k", "other", ttl=30) is False
    time.sleep(0.3)
    assert store.kv_get("k") is None
    assert store.kv_delete("k") is False
    assert store.kv_set_if_absent("k", "new", ttl=30) is True
    assert store.kv_get("k") == "new"


def test_kv_rejects_non_positive_ttl(store: Store) -> None:
    with pytest.raises(ValueError, match="ttl"):
        store.kv_set("k", "v", ttl=0)


def test_kv_set_if_absent_race_has_one_winner(open_stores: Callable[[], Store]) -> None:
    stores = [open_stores() for _ in range(4)]
    results = race(20, lambda i: stores[i % 4].kv_set_if_absent("lease", f"owner-{i}", ttl=30))
    assert results.count(True) == 1
    assert stores[0].kv_get("lease") == f"owner-{results.index(True)}"


# -- hooks -----------------------------------------------------------------------------
def hook(hook_id: str, api_key_id: str = "key_a", event_name: str = "conversation.completed", at: float = T0) -> Hook:
    return Hook(id=hook_id, api_key_id=api_key_id, target_url=f"https://example.com/{hook_id}", event=event_name,
                secret=f"secret-{hook_id}", created_at=at)  # fmt: skip


def test_hooks_crud_and_isolation(store: Store) -> None:
    h1, h2 = hook("h1", at=T0 + 1), hook("h2", event_name="conversation.failed", at=T0)
    h3 = hook("h3", api_key_id="key_b")
    for h in (h1, h2, h3):
        store.add_hook(h)
    assert store.get_hook("h1") == h1
    assert store.get_hook("missing") is None
    assert store.list_hooks("key_a") == [h2, h1]
    assert store.list_hooks("key_a", event="conversation.completed") == [h1]
    assert store.list_hooks("key_b") == [h3]
    assert store.delete_hook("key_b", "h1") is False  # another key's hook
    assert store.get_hook("h1") == h1
    assert store.delete_hook("key_a", "h1") is True
    assert store.delete_hook("key_a", "h1") is False
    assert store.get_hook("h1") is None
    assert store.list_hooks("key_a") == [h2]


# -- outbox ----------------------------------------------------------------------------
def enqueue(store: Store, job_id: str, events: list[OutboxEvent]) -> None:
    store.put_submission(sub(job_id, status="in_progress"))
    assert store.finish_submission(job_id, "completed", None, events)


def test_due_events_are_ordered_and_limited(store: Store) -> None:
    enqueue(store, "job-1", [event("late", next_attempt_at=T0 + 30), event("soon", next_attempt_at=T0 + 10),
                             event("now", next_attempt_at=T0)])  # fmt: skip
    assert [e.id for e in store.due_events(T0 + 10)] == ["now", "soon"]
    assert [e.id for e in store.due_events(T0 + 100, limit=2)] == ["now", "soon"]
    assert [e.id for e in store.due_events(T0 + 100)] == ["now", "soon", "late"]
    assert store.due_events(T0 - 1) == []


def test_update_event(store: Store) -> None:
    enqueue(store, "job-1", [event("a"), event("b"), event("c")])
    store.update_event("a", status="pending", attempts=1, next_attempt_at=T0 + 60, last_error="HTTP 500")
    store.update_event("b", status="delivered", attempts=1, next_attempt_at=T0)
    store.update_event("c", status="dead", attempts=9, next_attempt_at=T0, last_error="gave up")
    store.update_event("unknown", status="delivered", attempts=1, next_attempt_at=T0)  # ignored
    assert store.due_events(T0 + 59) == []
    assert [e.id for e in store.due_events(T0 + 60)] == ["a"]
    a = store.get_event("a")
    assert a is not None and (a.attempts, a.next_attempt_at, a.last_error) == (1, T0 + 60, "HTTP 500")
    assert store.get_event("c").status == "dead"  # type: ignore[union-attr]
    assert store.get_event("unknown") is None
    assert store.outbox_counts() == {"pending": 1, "delivered": 1, "dead": 1}


def test_add_event_enqueues_once_per_id(open_stores: Callable[[], Store]) -> None:
    stores = [open_stores() for _ in range(4)]
    enqueue(stores[0], "job-1", [event("first")])
    assert not stores[0].add_event(event("first", target_url="https://example.com/other"))
    assert stores[0].get_event("first").target_url == "https://example.com/cb"  # type: ignore[union-attr]
    added = race(4, lambda i: stores[i].add_event(event("late", target_url="https://example.com/late")))
    assert sorted(added) == [False, False, False, True]
    late = stores[1].get_event("late")
    assert late is not None and (late.status, late.target_url) == ("pending", "https://example.com/late")
    assert [e.id for e in stores[2].due_events(T0 + 1)] == ["first", "late"]


def test_outbox_counts_start_at_zero(store: Store) -> None:
    assert store.outbox_counts() == {"pending": 0, "delivered": 0, "dead": 0}


# -- notifications -----------------------------------------------------------------------
class Inbox:
    """Collect notifications and wait for them."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, float]] = []
        self.cond = threading.Condition()

    def __call__(self, job_id: str, status: str) -> None:
        with self.cond:
            self.items.append((job_id, status, time.monotonic()))
            self.cond.notify_all()

    def wait_for(self, job_id: str, timeout: float = 2.0) -> float | None:
        """Return the monotonic time ``job_id`` arrived, or None."""
        with self.cond:
            self.cond.wait_for(lambda: any(j == job_id for j, _, _ in self.items), timeout)
            return next((at for j, _, at in self.items if j == job_id), None)


def test_publish_reaches_another_store_object_quickly(open_stores: Callable[[], Store]) -> None:
    listener, publisher = open_stores(), open_stores()
    inbox = Inbox()
    stop = listener.listen(inbox)
    try:
        for _i in range(3):
            job_id = f"job-{uuid.uuid4().hex[:6]}"
            sent = time.monotonic()
            publisher.publish(job_id, "completed")
            arrived = inbox.wait_for(job_id)
            assert arrived is not None, "the notification never arrived"
            assert arrived - sent < 0.5
    finally:
        stop()
    assert [(j[1]) for j in inbox.items] == ["completed"] * 3


def test_listen_sees_only_later_publishes_and_stops(open_stores: Callable[[], Store]) -> None:
    store = open_stores()
    store.publish("before", "completed")
    inbox, other = Inbox(), Inbox()
    stop = store.listen(inbox)
    stop_other = store.listen(other)
    store.publish("after", "in_progress")
    assert inbox.wait_for("after") is not None and other.wait_for("after") is not None
    stop()
    store.publish("after-stop", "completed")
    assert other.wait_for("after-stop") is not None
    stop_other()
    assert [(j, s) for j, s, _ in inbox.items] == [("after", "in_progress")]


def test_a_failing_handler_does_not_stop_the_others(store: Store) -> None:
    def broken(job_id: str, status: str) -> None:
        raise RuntimeError("handler bug")

    inbox = Inbox()
    stops = [store.listen(broken), store.listen(inbox)]
    store.publish("job-1", "completed")
    store.publish("job-2", "completed")
    assert inbox.wait_for("job-2") is not None
    for stop in stops:
        stop()


# -- the queue (status queued), in-flight counts, dispatch aliases -------------------------------
def test_put_submissions_writes_all(store: Store) -> None:
    store.put_submissions([sub(f"q{i}", status="queued", conversation_id="", created_at=T0 + i) for i in range(5)])
    assert [s.job_id for s in store.queued_submissions()] == ["q0", "q1", "q2", "q3", "q4"]
    store.put_submissions([])


def test_queued_submissions_oldest_first_only_queued(store: Store) -> None:
    store.put_submission(sub("q2", status="queued", created_at=T0 + 2))
    store.put_submission(sub("q1", status="queued", created_at=T0 + 1))
    store.put_submission(sub("s1", status="scheduled", created_at=T0))
    store.put_submission(sub("c1", status="completed", created_at=T0))
    assert [s.job_id for s in store.queued_submissions()] == ["q1", "q2"]
    assert [s.job_id for s in store.queued_submissions(limit=1)] == ["q1"]


def test_count_in_flight_per_credential(store: Store) -> None:
    store.put_submission(sub("a", status="scheduled"))
    store.put_submission(sub("b", status="in_progress"))
    store.put_submission(sub("c", status="queued"))
    store.put_submission(sub("d", status="completed"))
    store.put_submission(sub("e", status="scheduled", credential_id="cred_2"))
    assert store.count_in_flight("cred_1") == 2
    assert store.count_in_flight("cred_2") == 1
    assert store.count_in_flight("cred_3") == 0
    store.finish_submission("a", "completed", None, [])
    assert store.count_in_flight("cred_1") == 1


def test_dispatch_replaces_the_queued_record_and_aliases_its_id(store: Store) -> None:
    store.put_submission(sub("q1", status="queued", conversation_id="", name="n", created_at=T0))
    real = sub("job-1", status="scheduled", conversation_id="conv-1", name="n", created_at=T0 + 5)
    assert store.dispatch_submission("q1", real)
    assert store.get_submission("q1") == real
    assert store.get_submission("job-1") == real
    assert store.queued_submissions() == []
    assert [s.job_id for s in store.pending_submissions()] == ["job-1"]
    assert [s.job_id for s in store.list_submissions("key_a")] == ["job-1"]
    assert store.latest_submission("conv-1") == real
    assert store.latest_submission("") is None
    assert store.count_in_flight("cred_1") == 1
    # a second dispatch of the same queued ID (another worker) writes nothing
    assert not store.dispatch_submission("q1", sub("job-2", status="scheduled"))
    assert store.get_submission("job-2") is None


def test_dispatch_of_a_cancelled_item_is_refused(store: Store) -> None:
    store.put_submission(sub("q1", status="queued"))
    assert store.finish_submission("q1", "failed", {"code": "cancelled", "message": "x"}, [])
    assert not store.dispatch_submission("q1", sub("job-1", status="scheduled"))
    assert store.get_submission("job-1") is None
    got = store.get_submission("q1")
    assert got is not None and got.status == "failed"


def test_concurrent_dispatch_of_one_queued_item_wins_once(open_stores: Callable[[], Store]) -> None:
    first = open_stores()
    first.put_submission(sub("q1", status="queued"))
    stores = [open_stores() for _ in range(4)]
    results = race(8, lambda i: stores[i % 4].dispatch_submission("q1", sub(f"job-{i}", status="scheduled")))
    assert results.count(True) == 1
    winner = results.index(True)
    got = first.get_submission("q1")
    assert got is not None and got.job_id == f"job-{winner}"


# -- batches ---------------------------------------------------------------------------------
def test_a_batch_and_its_items_round_trip(store: Store) -> None:
    items = [
        BatchItem(index=n, name=f"call {n}", key=f"rec-{n}" if n % 2 else "", job_id=f"queued-{n}", reused=n == 3)
        for n in range(5)
    ]
    store.put_batch(
        BatchRecord(id="batch-1", api_key_id="key_a", created_at=10.5, callback_url="https://x.example/cb"), items
    )
    assert store.get_batch("batch-1") == BatchRecord(
        id="batch-1", api_key_id="key_a", created_at=10.5, callback_url="https://x.example/cb"
    )
    assert store.batch_items("batch-1") == items
    assert store.get_batch("batch-unknown") is None and store.batch_items("batch-unknown") == []


def test_a_batch_is_cancelled_once(store: Store) -> None:
    store.put_batch(BatchRecord(id="batch-2", api_key_id="key_a", created_at=1.0), [])
    store.cancel_batch("batch-2", 20.0)
    store.cancel_batch("batch-2", 30.0)
    store.cancel_batch("batch-unknown", 30.0)
    found = store.get_batch("batch-2")
    assert found is not None and found.cancelled_at == 20.0 and found.callback_url is None
    assert store.get_batch("batch-unknown") is None


def test_a_batch_written_before_the_redesign_is_moved_once(open_stores: Callable[[], Store]) -> None:
    """An old ``batch:<id>`` value (the pre-redesign format) is read, stored as the entity once even
    when several workers read it at the same moment, and the old value is deleted."""
    workers = [open_stores() for _ in range(4)]
    old = {
        "id": "batch-old", "api_key_id": "key_a", "created_at": 12.5, "callback_url": "https://x.example/cb",
        "cancelled_at": 40.0, "items": [["call 0", "", "queued-0", False], ["call 1", "rec-1", "job-9", True]],
    }  # fmt: skip
    workers[0].kv_set("batch:batch-old", json.dumps(old, separators=(",", ":")), 365 * 86400.0)
    workers[0].kv_set("batch:batch-garbled", "{not json", 60.0)

    found = race(8, lambda i: (workers[i % 4].get_batch("batch-old"), workers[i % 4].batch_items("batch-old")))

    record = BatchRecord(
        id="batch-old", api_key_id="key_a", created_at=12.5, callback_url="https://x.example/cb", cancelled_at=40.0
    )
    items = [
        BatchItem(index=0, name="call 0", key="", job_id="queued-0", reused=False),
        BatchItem(index=1, name="call 1", key="rec-1", job_id="job-9", reused=True),
    ]
    assert found == [(record, items)] * 8
    assert workers[0].kv_get("batch:batch-old") is None
    assert workers[1].get_batch("batch-old") == record and workers[1].batch_items("batch-old") == items
    assert workers[0].get_batch("batch-garbled") is None and workers[0].batch_items("batch-garbled") == []
