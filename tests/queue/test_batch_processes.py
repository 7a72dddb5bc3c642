"""The concurrency limit across real server processes (gunicorn workers, two instances on one
Redis), and a backfill that survives SIGKILL: it resumes after a restart without duplicates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connector.sandbox import SandboxConfig, create_sandbox_app
from tests.cli.test_processes import facade_process, kill
from tests.conftest import Api, Sandbox, eventually
from tests.queue.test_batches import create, items, progress, submits
from tests.servers import serve
from tests.store.conftest import RedisServer

pytestmark = pytest.mark.slow

LIMIT = 2


@pytest.fixture
def limited_sandbox() -> Iterator[Sandbox]:
    with serve(create_sandbox_app(SandboxConfig(job_seconds=0.5, max_concurrent_jobs=LIMIT))) as url:
        yield Sandbox(url)


def env_for(sandbox: Sandbox, store_url: str, **extra: str) -> dict[str, str]:
    return {
        "SYMBL_BASE_URL": sandbox.url,
        "CONNECTOR_STORE_URL": store_url,
        "SYMBL_MAX_CONCURRENT_JOBS": str(LIMIT),
        "CONNECTOR_POLL_MIN_SECONDS": "0.1",
        "CONNECTOR_POLL_MAX_SECONDS": "0.3",
        **extra,
    }


def test_sigkill_mid_batch_resumes_after_restart(limited_sandbox: Sandbox, tmp_path: Path):
    env = env_for(limited_sandbox, f"sqlite:///{tmp_path}/c.db", CONNECTOR_WORKERS="2")
    with facade_process(env) as (url, proc):
        api = Api(url)
        batch = create(api, {"items": items(20, "kill")})
        eventually(lambda: progress(api, batch["batch_id"])["counts"]["completed"] >= 4, timeout=30, step=0.1)
        kill(proc)  # SIGKILL mid-batch, both workers
    with facade_process(env) as (url, _):
        api = Api(url)
        progress_counts = eventually(
            # worst case: slots reserved by the killed process and its claims expire after 60 s
            lambda: (p := progress(api, batch["batch_id"]))["status"] == "completed" and p,
            timeout=180,
            step=0.2,
        )
        assert progress_counts["counts"]["completed"] == 20
        # the same backfill again: nothing is submitted twice
        before = submits(limited_sandbox)
        again = create(api, {"items": items(20, "kill")})
        assert progress(api, again["batch_id"])["counts"]["completed"] == 20
    # At most the submits in flight at the kill (Symbl accepted them, the record was not written
    # yet) are sent again after the restart: the one at-least-once window, bounded by the limit.
    assert 20 <= before <= 20 + LIMIT
    assert submits(limited_sandbox) == before
    assert limited_sandbox.stats()["max_jobs_in_flight"] <= LIMIT


def test_two_instances_on_one_redis_share_the_limit(limited_sandbox: Sandbox, tmp_path: Path):
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    try:
        env = env_for(limited_sandbox, redis.url)
        with facade_process(env) as (url_a, _), facade_process(env) as (url_b, _):
            a, b = Api(url_a), Api(url_b)
            first = create(a, {"items": items(10, "a")})
            second = create(b, {"items": items(10, "b")})
            singles = [b.submit({"transcript": f"Alice: single {i}.", "wait": 0}) for i in range(3)]
            assert all(s.status_code == 202 for s in singles)
            for api, batch in ((a, first), (b, second)):
                eventually(
                    lambda api=api, batch=batch: progress(api, batch["batch_id"])["status"] == "completed",
                    timeout=90,
                    step=0.2,
                )
            for s in singles:
                assert b.job(s.json()["job_id"], wait=30).json()["status"] == "completed"
        assert limited_sandbox.stats()["max_jobs_in_flight"] <= LIMIT
        assert submits(limited_sandbox) == 23
    finally:
        redis.stop()
