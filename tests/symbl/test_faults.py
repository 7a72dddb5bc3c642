"""Faults injected by the sandbox: the facade retries inside the deadline, then reports clearly."""

from __future__ import annotations

import pytest

from tests.api.test_submit_and_wait import TRANSCRIPT

pytestmark = pytest.mark.slow


def test_token_expiry_mid_flow_costs_one_refresh(api, sandbox):
    first = api.submit({"transcript": TRANSCRIPT, "wait": 20})
    assert first.status_code == 200
    before = sandbox.stats()["token_generations"]
    sandbox.expire_tokens()
    again = api.insights(first.json()["conversation_id"])
    assert again.status_code == 200, again.text
    assert sandbox.stats()["token_generations"] == before + 1


def test_bursts_of_429_without_retry_after_are_retried(api, sandbox):
    sandbox.faults({"method": "POST", "path": "/v1/process/text", "status": 429, "times": 2})
    answer = api.submit({"transcript": TRANSCRIPT, "wait": 20})
    assert answer.status_code == 200, answer.text


def test_persistent_429_is_reported_as_symbl_rate_limited(api, sandbox):
    sandbox.faults({"method": "POST", "path": "/v1/process/text", "status": 429, "times": 50})
    answer = api.submit({"transcript": TRANSCRIPT, "wait": 1})
    assert answer.status_code == 429
    assert answer.json()["error"]["code"] == "symbl_rate_limited"
    assert int(answer.headers["Retry-After"]) > 0


def test_5xx_on_status_and_reads_are_retried(api, sandbox):
    sandbox.faults(
        {"method": "GET", "path": "/v1/job/*", "status": 502, "times": 2},
        {"method": "GET", "path": "/v1/conversations/*/messages", "status": 500, "times": 1},
        {"method": "GET", "path": "/v1/conversations/*/topics", "status": 504, "times": 1},
    )
    answer = api.submit({"transcript": TRANSCRIPT, "wait": 20})
    assert answer.status_code == 200, answer.text
    assert answer.json()["warnings"] == []


def test_connection_resets_are_retried(api, sandbox):
    sandbox.faults({"method": "GET", "path": "/v1/conversations/*/questions", "reset": True, "times": 1})
    answer = api.submit({"transcript": TRANSCRIPT, "wait": 20})
    assert answer.status_code == 200, answer.text
    assert answer.json()["question_count"] >= 1


def test_one_part_failing_leaves_it_empty_with_a_warning(api, sandbox):
    sandbox.faults({"method": "GET", "path": "/v1/conversations/*/topics", "status": 500, "times": 100})
    answer = api.submit({"transcript": TRANSCRIPT, "wait": 20})
    assert answer.status_code == 200, answer.text
    flat = answer.json()
    assert flat["topics"] == "" and flat["topic_list"] == []
    assert [w["part"] for w in flat["warnings"]] == ["topics"]
    assert flat["warnings"][0]["code"] == "symbl_unavailable"
    assert flat["summary"]  # the other parts are there


def test_symbl_down_at_submit_is_symbl_unavailable(api, sandbox):
    sandbox.faults({"method": "POST", "path": "/v1/process/text", "status": 503, "times": 100})
    answer = api.submit({"transcript": TRANSCRIPT, "wait": 1})
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "symbl_unavailable"


def test_a_slow_symbl_still_answers_within_the_wait(api, sandbox):
    sandbox.faults({"method": "GET", "path": "/v1/conversations/*/summary", "delay_seconds": 1.0, "times": 1})
    answer = api.submit({"transcript": TRANSCRIPT, "wait": 20})
    assert answer.status_code == 200


def test_waiting_callers_share_one_poll_stream(api, sandbox):
    import concurrent.futures

    sandbox.configure(job_seconds=2)
    accepted = api.submit({"transcript": TRANSCRIPT, "wait": 0}).json()
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: api.job(accepted["job_id"], wait=20).json()["status"], range(10)))
    assert answers == ["completed"] * 10
    calls = sandbox.stats()["status_calls"].get(accepted["job_id"], 0)
    assert 1 <= calls <= 15  # one stream (~10 polls for a 2 s job), not ten


def test_read_timeouts_are_retried(sandbox, tmp_path):
    from connector.app import create_app, describe
    from connector.config import Settings
    from tests.conftest import API_KEY
    from tests.servers import serve

    settings = Settings(
        SYMBL_BASE_URL=sandbox.url,
        CONNECTOR_API_KEYS=API_KEY,  # type: ignore[call-arg]
        CONNECTOR_STORE_URL=f"sqlite:///{tmp_path}/c.db",
        SYMBL_READ_TIMEOUT_SECONDS=0.5,
        CONNECTOR_LOG_LEVEL="CRITICAL",
    )
    app = create_app(settings)
    try:
        with serve(app) as url:
            from tests.conftest import Api

            sandbox.faults({"method": "GET", "path": "/v1/conversations/*/summary", "delay_seconds": 1.5, "times": 1})
            answer = Api(url).submit({"transcript": TRANSCRIPT, "wait": 20})
            assert answer.status_code == 200, answer.text
            assert answer.json()["summary"] and answer.json()["warnings"] == []
    finally:
        describe(app).close()


def test_lost_webhooks_fall_back_to_polling(sandbox, tmp_path):
    from connector.app import create_app, describe
    from connector.config import Settings
    from tests.conftest import API_KEY, Api
    from tests.servers import serve

    sandbox.configure(send_webhooks=False)  # Symbl's webhooks never arrive
    settings = Settings(
        SYMBL_BASE_URL=sandbox.url,
        CONNECTOR_API_KEYS=API_KEY,  # type: ignore[call-arg]
        CONNECTOR_STORE_URL=f"sqlite:///{tmp_path}/c.db",
        CONNECTOR_PUBLIC_URL="http://127.0.0.1:9",
        CONNECTOR_LOG_LEVEL="CRITICAL",
    )
    app = create_app(settings)
    try:
        with serve(app) as url:
            assert Api(url).submit({"transcript": TRANSCRIPT, "wait": 20}).status_code == 200
    finally:
        describe(app).close()
        sandbox.configure(send_webhooks=True)
