"""Waiting for a submission (`connector/jobs/waiter.py`), on a real SQLite store and an injected
clock: no test here sleeps for real."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connector.jobs.finish import failure_error
from connector.jobs.waiter import QUEUE_STEP_SECONDS, Waiter
from connector.jobs.watcher import JobWatcher
from connector.store import Store, open_store
from connector.store.base import Submission
from connector.symbl.credentials import CredentialBook


class FakeTime:
    """A clock that moves only when the waiter sleeps; ``on_sleep`` acts as another process."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []
        self.on_sleep = lambda: None

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        self.on_sleep()


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path}/waiter.db")
    yield opened
    opened.close()


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def waiter(store: Store, fake: FakeTime) -> Waiter:
    watcher = JobWatcher(None, store, None, credentials=CredentialBook(store), finisher=lambda sub, status: None)  # type: ignore[arg-type]
    return Waiter(store, watcher, clock=fake.clock, sleep=fake.sleep)


def submission(job_id: str, status: str, **extra) -> Submission:
    return Submission(
        job_id=job_id,
        conversation_id="" if status == "queued" else "c-1",
        api_key_id="key_1",
        credential_id="cred_1",
        status=status,
        created_at=1.0,
        updated_at=1.0,
        **extra,
    )


def test_a_queued_submission_is_still_queued_when_the_deadline_comes(store, fake, waiter):
    queued = submission("queued-1", "queued")
    store.put_submission(queued)
    outcome = waiter.wait(queued, fake.now + 1.0)
    assert outcome.status == "queued" and outcome.sub.job_id == "queued-1" and outcome.error is None
    assert sum(fake.slept) == pytest.approx(1.0) and max(fake.slept) <= QUEUE_STEP_SECONDS


def test_a_dispatched_item_is_followed_to_its_job_and_its_end(store, fake, waiter):
    queued = submission("queued-2", "queued")
    store.put_submission(queued)

    def dispatched_and_done() -> None:  # another process sends it, and the job finishes
        if len(fake.slept) == 3:
            store.dispatch_submission("queued-2", submission("job-2", "scheduled"))
            store.finish_submission("job-2", "completed", None, [])

    fake.on_sleep = dispatched_and_done
    outcome = waiter.wait(queued, fake.now + 30.0)
    assert (outcome.status, outcome.sub.job_id, outcome.sub.conversation_id) == ("completed", "job-2", "c-1")
    assert outcome.completed and len(fake.slept) == 3


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [
        (
            {"code": "symbl_rejected", "message": "Symbl refused this item: bad URL"},
            {"code": "symbl_rejected", "message": "Symbl refused this item: bad URL"},
        ),
        (None, failure_error()),
    ],
)
def test_a_failure_is_a_value_with_the_recorded_error(store, fake, waiter, recorded, expected):
    running = submission("job-3", "in_progress")
    store.put_submission(running)
    store.finish_submission("job-3", "failed", recorded, [])
    outcome = waiter.wait(submission("job-3", "failed"), fake.now + 5.0)
    assert outcome.failed and outcome.error == expected and outcome.sub.job_id == "job-3"
    assert fake.slept == []
