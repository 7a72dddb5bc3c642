"""Call Score, Nebula answers and summary pages over real HTTP: a real sandbox (Symbl, Nebula and
the summary pages) and a real facade, each on its own loopback port."""

from __future__ import annotations

import concurrent.futures
import json
import re
from datetime import date, timedelta

import pytest
import requests
from cryptography.fernet import Fernet

from connector.app import create_app, describe
from connector.config import Settings
from tests.conftest import API_KEY, Api, eventually
from tests.receiver import receiver
from tests.servers import serve

SALES_CALL = "\n".join(
    [
        "Maria: Hi Tom, thanks for joining. I'm Maria from Brightline and this is Dev, our solutions engineer.",
        "Tom: Thanks Maria. We want to cut the time our agents spend on call notes.",
        "Maria: What does your team use today for call notes?",
        "Tom: Mostly manual notes in the CRM, and we are also looking at Globex.",
        "Maria: What budget have you set aside for this project?",
        "Tom: Our budget is about $80,000 for the first year.",
        "Tom: My CTO needs to sign off, and security review is a hard requirement for us.",
        "Dev: We pass SOC 2, so the security review should be quick.",
        "Maria: I will send the proposal with volume pricing by Friday.",
        "Tom: Great, let's schedule a demo for the security team next Tuesday.",
    ]
)
SHORT = "Ann: Hello there.\nBen: Hi, all good today."


def _score_checks(flat: dict) -> None:
    assert isinstance(flat["call_score"], int) and 0 <= flat["call_score"] <= 100
    names = [c["name"] for c in flat["call_score_criteria"]]
    assert names == ["Communication and Engagement", "Question Handling", "Forward Motion", "Sales Process"]
    assert flat["call_score_summary"]
    assert len(flat["call_score_text"].splitlines()) == 4
    assert all(set(c) == {"name", "score", "summary", "positive", "negative"} for c in flat["call_score_criteria"])
    assert f"{flat['call_score']}/100" in flat["slack_text"] and "Call score" in flat["crm_note"]


def _codes(flat: dict) -> list[str]:
    return [w["code"] for w in flat["warnings"]]


SCORED = {
    "call_score": True,
    "conversation_type": "sales",
    "sales_stage": "qualification",
    "prospect_name": "Acme Corp",
}


@pytest.mark.slow
def test_a_score_that_arrives_after_the_job_is_waited_for(api, sandbox):
    sandbox.configure(callscore_lag_seconds=1.5)
    answer = api.submit({"transcript": SALES_CALL, "wait": 20, **SCORED})
    assert answer.status_code == 200, answer.text
    flat = answer.json()
    _score_checks(flat)  # the 4th criterion shows conversationType and salesStage reached Symbl
    assert "Acme Corp" in flat["call_score_summary"]  # so did metadata.prospectName
    assert not [w for w in flat["warnings"] if w["part"] == "call_score"]


@pytest.mark.slow
def test_a_deadline_before_the_score_is_a_warning_and_get_insights_returns_it_later(api, sandbox):
    sandbox.configure(callscore_lag_seconds=60)
    flat = api.submit({"transcript": SALES_CALL, "wait": 3, **SCORED}).json()
    assert flat["status"] == "completed" and flat["call_score"] is None and flat["call_score_criteria"] == []
    assert "call_score_not_ready" in _codes(flat)
    sandbox.configure(callscore_lag_seconds=0)
    later = api.insights(flat["conversation_id"], wait=5).json()
    _score_checks(later)
    assert "call_score_not_ready" not in _codes(later)


@pytest.mark.slow
def test_a_short_transcript_gets_a_clear_warning_at_once(api, sandbox):
    flat = api.submit({"transcript": SHORT, "wait": 20, "call_score": True}).json()
    assert flat["status"] == "completed" and flat["call_score"] is None
    warning = next(w for w in flat["warnings"] if w["part"] == "call_score")
    assert warning["code"] == "transcript_too_short" and "50 words" in warning["message"]


@pytest.mark.slow
def test_many_waiters_share_one_status_stream_and_one_score_read(api, sandbox):
    sandbox.configure(callscore_lag_seconds=2.5)
    accepted = api.submit({"transcript": SALES_CALL, "wait": 0, **SCORED}).json()
    before = sandbox.stats()["requests"]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: Api(api.url).insights(accepted["conversation_id"], wait=20), range(8)))
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    scores = {a.json()["call_score"] for a in answers}
    assert len(scores) == 1 and None not in scores
    after = sandbox.stats()["requests"]
    status = "GET /v1/conversations/<conversation_id>/callscore/status"
    read = "GET /v1/conversations/<conversation_id>/callscore"
    # 8 waiters polling on their own would make dozens of status calls; one stream makes one a second
    assert after.get(status, 0) - before.get(status, 0) <= 6
    assert after.get(read, 0) - before.get(read, 0) == 1


def _ask(api: Api, conversation_id: str, body: dict) -> requests.Response:
    return api.session.post(
        f"{api.url}/v1/conversations/{conversation_id}/ask", json=body, headers=api.headers(), timeout=60
    )


FIELDS = [
    {"key": "budget", "description": "the budget the customer named", "type": "number"},
    {
        "key": "competitor",
        "description": "competitor they are looking at",
        "type": "enum",
        "options": ["Globex", "Initech"],
    },
    {"key": "demo_date", "description": "when the demo for the security team is scheduled", "type": "date"},
    {"key": "security_review", "description": "security review is a requirement", "type": "boolean"},
    {"key": "headcount", "description": "sandbox-wrong-type number of agents", "type": "number"},
]


@pytest.mark.slow
def test_ask_a_question_and_typed_fields(api, sandbox):
    flat = api.submit({"transcript": SALES_CALL, "wait": 20}).json()
    cid = flat["conversation_id"]
    answer = _ask(api, cid, {"question": "What budget did the customer mention?"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["conversation_id"] == cid and body["question"].startswith("What budget")
    assert "80,000" in body["answer"]
    typed = _ask(api, cid, {"fields": FIELDS}).json()
    assert typed["budget"] == 80000 and typed["competitor"] == "Globex" and typed["security_review"] is True
    submitted = date.fromisoformat(flat["start_time"][:10])
    tuesday = submitted + timedelta(days=(1 - submitted.weekday()) % 7 or 7)
    assert typed["demo_date"] == tuesday.isoformat()
    assert typed["headcount"] is None  # the model answered a sentence for a number: null, never a string
    warning = next(w for w in typed["warnings"] if w["part"] == "answers.headcount")
    assert warning["code"] == "wrong_type"
    assert typed["answer"] == "" and typed["question"] == ""


@pytest.mark.slow
def test_ask_refuses_bad_fields_with_400(api, sandbox):
    cid = api.submit({"transcript": SALES_CALL, "wait": 20}).json()["conversation_id"]
    for body in (
        {},
        {"question": "a", "fields": FIELDS},
        {"fields": [{"key": "Bad Key", "description": "x"}]},
        {"fields": [{"key": "stage", "description": "x", "type": "enum"}]},
        {"fields": [{"key": "answer", "description": "x"}]},
        {"fields": [{"key": "a", "description": "x"}, {"key": "a", "description": "y"}]},
    ):
        answer = _ask(api, cid, body)
        assert answer.status_code == 400, (body, answer.text)
        assert answer.json()["error"]["code"] == "invalid_request"


@pytest.mark.slow
def test_ask_and_fields_on_a_submit_join_the_insights_and_the_callback(api, sandbox):
    with receiver() as got:
        flat = api.submit(
            {
                "transcript": SALES_CALL,
                "wait": 20,
                "ask": "Who needs to sign off?",
                "fields": FIELDS[:2],
                "callback_url": got.url,
            }
        ).json()
        assert "CTO" in flat["answer"]
        assert flat["answers"] == {"budget": 80000, "competitor": "Globex"}
        assert "Answers" in flat["crm_note"] and "budget: 80000" in flat["crm_note"]
        eventually(lambda: got.bodies, timeout=15)
        delivered = json.loads(got.bodies[0])
    assert delivered["answers"] == flat["answers"] and delivered["answer"] == flat["answer"]


@pytest.mark.slow
def test_nebula_429_and_5xx_are_retried_then_reported(api, sandbox):
    cid = api.submit({"transcript": SALES_CALL, "wait": 20}).json()["conversation_id"]
    sandbox.faults(
        {"method": "POST", "path": "/v1/model/chat", "status": 429, "times": 2},
        {"method": "POST", "path": "/v1/model/chat", "status": 502, "times": 1},
    )
    assert _ask(api, cid, {"question": "What budget?"}).status_code == 200
    sandbox.faults({"method": "POST", "path": "/v1/model/chat", "status": 503, "times": None})
    failed = _ask(api, cid, {"question": "What budget?", "wait": 1})
    assert failed.status_code == 503 and failed.json()["error"]["code"] == "nebula_unavailable"
    assert failed.headers["Retry-After"]
    flat = api.submit({"transcript": SALES_CALL, "wait": 20, "ask": "What budget?"}).json()
    assert flat["status"] == "completed" and flat["answer"] == ""  # the insights still come
    assert "nebula_unavailable" in _codes(flat)


@pytest.mark.slow
def test_without_a_nebula_key_live_mode_answers_a_clear_400(sandbox, tmp_path):
    settings = Settings(  # type: ignore[call-arg]
        SYMBL_APP_ID="sandbox-app-id",
        SYMBL_APP_SECRET="sandbox-app-secret",
        SYMBL_BASE_URL=sandbox.url,
        CONNECTOR_API_KEYS=API_KEY,
        CONNECTOR_STORE_URL=f"sqlite:///{tmp_path}/live.db",
        CONNECTOR_LOG_LEVEL="WARNING",
        CONNECTOR_ENCRYPTION_KEY=Fernet.generate_key().decode(),
    )
    app = create_app(settings)
    try:
        with serve(app) as url:
            api = Api(url)
            cid = api.submit({"transcript": SALES_CALL, "wait": 20}).json()["conversation_id"]
            for answer in (
                _ask(api, cid, {"question": "What budget?"}),
                api.submit({"transcript": SALES_CALL, "ask": "What budget?"}),
            ):
                assert answer.status_code == 400, answer.text
                assert answer.json()["error"]["code"] == "nebula_not_configured"
                assert "NEBULA_API_KEY" in answer.json()["error"]["message"]
    finally:
        describe(app).close()


@pytest.mark.slow
def test_the_summary_page_is_created_once_under_concurrency_and_opens_in_a_browser(api, sandbox):
    flat = api.submit({"transcript": SALES_CALL, "wait": 20, "name": "Brightline intro"}).json()
    assert flat["summary_url"] == ""
    before = sandbox.stats()["requests"].get("POST /v1/conversations/<conversation_id>/experiences", 0)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(lambda _: Api(api.url).insights(flat["conversation_id"], include="summary_url"), range(8))
        )
    urls = {a.json()["summary_url"] for a in answers}
    assert len(urls) == 1 and "" not in urls
    after = sandbox.stats()["requests"].get("POST /v1/conversations/<conversation_id>/experiences", 0)
    assert after - before == 1
    url = urls.pop()
    assert re.match(r"^http://127\.0\.0\.1:\d+/meeting/#/eyJ", url)
    assert all(a.json()["topic_count"] == flat["topic_count"] for a in answers)  # extras alone keep every part
    assert "<" + url in answers[0].json()["slack_text"] and url in answers[0].json()["crm_note"]
    shell = requests.get(url, timeout=10)
    assert shell.status_code == 200 and "location.hash" in shell.text
    page = requests.get(url.replace("#/", ""), timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Brightline intro" in page.text and "Action items" in page.text


@pytest.mark.slow
def test_summary_page_option_on_submit(api, sandbox):
    flat = api.submit({"transcript": SALES_CALL, "wait": 20, "summary_page": True}).json()
    assert flat["summary_url"].startswith("http://127.0.0.1")
    again = api.insights(flat["conversation_id"]).json()
    assert again["summary_url"] == flat["summary_url"]


@pytest.mark.slow
def test_batch_csv_carries_the_score_and_the_answers(api, sandbox):
    import csv
    import io

    sandbox.configure(callscore_lag_seconds=0)
    started = api.session.post(
        f"{api.url}/v1/batches",
        headers=api.headers(),
        timeout=30,
        json={
            "items": [{"transcript": SALES_CALL, "key": "call-1"}],
            "options": {**SCORED, "fields": FIELDS[:1]},
        },
    )
    assert started.status_code in (200, 201, 202), started.text
    batch = started.json()["batch_id"]
    eventually(lambda: api.get(f"/v1/batches/{batch}").json()["status"] == "completed", timeout=30, step=0.3)
    answer = api.get(f"/v1/batches/{batch}/insights", headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(rows) == 1
    assert 0 <= int(rows[0]["call_score"]) <= 100 and rows[0]["call_score_text"].count("/100") == 4
    assert json.loads(rows[0]["answers"]) == {"budget": 80000}
