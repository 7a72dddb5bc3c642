"""Once a caller has been told a job completed, every worker and instance agrees, even while
the job is still being finished (callbacks built) and the store's own status lags behind."""

from __future__ import annotations

import threading
import time

import pytest

from connector.app import create_app, describe
from tests.api.test_submit_and_wait import TRANSCRIPT
from tests.conftest import Api
from tests.servers import serve

pytestmark = pytest.mark.slow


def test_another_instance_answers_insights_right_after_a_long_poll_said_completed(settings, sandbox):
    first, second = create_app(settings), create_app(settings)  # two instances on one store
    finishing = threading.Event()
    for app in (first, second):  # whichever instance polls the job, finishing it takes a while
        slow_down(describe(app).watcher, finishing)
    try:
        with serve(first) as first_url, serve(second) as second_url:
            accepted = Api(first_url).submit({"transcript": TRANSCRIPT, "wait": 0})
            assert accepted.status_code == 202
            ids = accepted.json()
            assert Api(first_url).job(ids["job_id"], wait=20).json()["status"] == "completed"
            job = Api(second_url).job(ids["job_id"], wait=0)
            insights = Api(second_url).insights(ids["conversation_id"], wait=0)
            assert (
                finishing.is_set() and describe(first).store.get_submission(ids["job_id"]).status != "completed"
            )  # still finishing
            assert job.json()["status"] == "completed"
            assert insights.status_code == 200, insights.text
            assert insights.json()["conversation_id"] == ids["conversation_id"]
    finally:
        describe(first).close()
        describe(second).close()


def slow_down(watcher, finishing: threading.Event) -> None:
    real_finisher = watcher._finisher

    def slow_finisher(sub, status, *args):  # as when building the callbacks takes a while
        finishing.set()
        time.sleep(3)
        return real_finisher(sub, status, *args)

    watcher._finisher = slow_finisher
