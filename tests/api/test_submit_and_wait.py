"""Submit-and-wait, 202 + long-poll, append and get-insights over real HTTP against the sandbox."""

from __future__ import annotations

import pytest

from connector.insights.contract import FlatInsights

TRANSCRIPT = """\
Alice: Hi Bob, thanks for joining the call today.
Bob: Happy to be here. What is the price of the enterprise plan?
Alice: It is 40 dollars per seat. Bob, can you send me the signed contract by Friday?
Bob: Sure, I will send the contract by Friday.
Alice: Great. We heard Acme offered you a discount, is that right?
Bob: Yes, but we prefer your product. Let's schedule a follow-up call next week.
"""


@pytest.mark.slow
def test_submit_and_wait_returns_the_flat_insights(api):
    answer = api.submit(
        {
            "name": "Pricing call",
            "transcript": TRANSCRIPT,
            "wait": 20,
            "trackers": [{"name": "Competitor", "vocabulary": ["Acme"]}],
        }
    )
    assert answer.status_code == 200, answer.text
    flat = answer.json()
    assert set(flat) == set(FlatInsights.model_fields)  # every key, no extra
    FlatInsights.model_validate(flat)
    assert flat["status"] == "completed"
    assert len(flat["conversation_id"]) == 16 and flat["conversation_id"].isdigit()
    assert flat["name"] == "Pricing call"
    assert flat["speakers"] == "Alice, Bob" and flat["speaker_count"] == 2
    assert flat["question_count"] >= 1 and "price" in flat["questions_text"].lower()
    assert flat["has_action_items"] and flat["action_item_count"] >= 1
    assert any(item["text"] for item in flat["action_items"])
    assert "Competitor" in flat["tracker_names"] and flat["tracker_hit_count"] >= 1
    assert flat["summary"] and flat["slack_text"] and flat["crm_note"]
    assert flat["links"]["insights"].endswith(f"/v1/conversations/{flat['conversation_id']}/insights")
    assert "Alice: Hi Bob" in flat["transcript_text"]


@pytest.mark.slow
def test_zero_wait_answers_202_and_the_job_can_be_long_polled(api):
    answer = api.submit({"transcript": TRANSCRIPT, "wait": 0})
    assert answer.status_code == 202, answer.text
    accepted = answer.json()
    assert set(accepted) == {"conversation_id", "job_id", "status", "links"}
    assert accepted["status"] in ("scheduled", "in_progress")
    assert answer.headers["Location"] == accepted["links"]["job"]

    job = api.job(accepted["job_id"], wait=20).json()
    assert job == {
        **job,
        "job_id": accepted["job_id"],
        "conversation_id": accepted["conversation_id"],
        "status": "completed",
        "error": None,
    }

    insights = api.insights(accepted["conversation_id"])
    assert insights.status_code == 200
    assert insights.json()["job_id"] == accepted["job_id"]


@pytest.mark.slow
def test_get_insights_waits_for_a_running_job(api):
    accepted = api.submit({"transcript": TRANSCRIPT, "wait": 0}).json()
    answer = api.insights(accepted["conversation_id"], wait=20)
    assert answer.status_code == 200
    assert answer.json()["conversation_id"] == accepted["conversation_id"]


def test_get_insights_of_a_running_job_without_wait_is_202(api, sandbox):
    sandbox.configure(job_seconds=5)
    accepted = api.submit({"transcript": TRANSCRIPT, "wait": 0}).json()
    answer = api.insights(accepted["conversation_id"])
    assert answer.status_code == 202
    assert answer.json()["job_id"] == accepted["job_id"]


@pytest.mark.slow
def test_append_keeps_the_conversation_and_adds_messages(api):
    first = api.submit({"transcript": "Alice: Let's talk about the budget.", "wait": 20}).json()
    answer = api.append(first["conversation_id"], {"transcript": "Bob: I will send the budget tomorrow.", "wait": 20})
    assert answer.status_code == 200, answer.text
    flat = answer.json()
    assert flat["conversation_id"] == first["conversation_id"]
    assert flat["job_id"] != first["job_id"]
    assert "Bob: I will send the budget tomorrow." in flat["transcript_text"]
    assert "Alice: Let's talk about the budget." in flat["transcript_text"]


@pytest.mark.slow
def test_messages_input_and_include_subset(api):
    answer = api.submit(
        {
            "messages": [
                {"text": "Can we meet on Monday?", "speaker": "Ann", "email": "ann@example.com"},
                {"text": "Yes, I will book a room.", "speaker": "Ben"},
            ],
            "include": ["questions"],
            "wait": 20,
        }
    )
    assert answer.status_code == 200, answer.text
    flat = answer.json()
    assert flat["question_count"] == 1
    assert flat["transcript_text"] == ""  # messages were not requested
    assert flat["topics"] == ""


@pytest.mark.slow
def test_recording_url_gets_a_transcript(api):
    answer = api.submit({"url": "https://media.example.com/calls/sales-call.mp3", "speaker_count": 2, "wait": 20})
    assert answer.status_code == 200, answer.text
    flat = answer.json()
    assert flat["transcript_text"] and flat["speaker_count"] >= 1


@pytest.mark.slow
def test_raw_format_has_symbls_own_bodies(api):
    conversation = api.submit({"transcript": TRANSCRIPT, "wait": 20}).json()["conversation_id"]
    raw = api.insights(conversation, format="raw").json()
    assert raw["conversation_id"] == conversation
    assert isinstance(raw["trackers"], list)  # trackers-detected is a bare array
    assert "messages" in raw["messages"] and "actionItems" in raw["action_items"]
    assert "summary" in raw["summary"]


def test_list_finds_my_submissions_by_name(api, facade_url):
    api.submit({"name": "Weekly sync 42", "transcript": "Alice: hello there", "wait": 0})
    api.submit({"name": "Other", "transcript": "Alice: hello there", "wait": 0})
    found = api.get("/v1/conversations", params={"name": "sync 42"}).json()["conversations"]
    assert [c["name"] for c in found] == ["Weekly sync 42"]
    from tests.conftest import OTHER_KEY, Api

    assert Api(facade_url, OTHER_KEY).get("/v1/conversations").json()["conversations"] == []


def test_another_keys_job_is_not_visible(api, facade_url):
    from tests.conftest import OTHER_KEY, Api

    accepted = api.submit({"transcript": "Alice: hello there", "wait": 0}).json()
    other = Api(facade_url, OTHER_KEY)
    assert other.job(accepted["job_id"]).status_code == 404
    assert other.insights(accepted["conversation_id"]).json()["error"]["code"] == "conversation_not_found"


@pytest.mark.slow
def test_a_failed_job_is_job_failed_with_the_ids(api):
    answer = api.submit({"transcript": "Alice: this one will sandbox-fail, sorry.", "wait": 20})
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "job_failed"
    assert error["details"]["conversation_id"] and error["details"]["job_id"]
    job = api.job(error["details"]["job_id"]).json()
    assert job["status"] == "failed" and job["error"]["code"] == "job_failed"


@pytest.mark.slow
def test_the_flask_test_client_serves_the_same_contract(client):
    from tests.conftest import API_KEY

    answer = client.post(
        "/v1/conversations", json={"transcript": TRANSCRIPT, "wait": 20}, headers={"Authorization": f"Bearer {API_KEY}"}
    )
    assert answer.status_code == 200
    assert set(answer.get_json()) == set(FlatInsights.model_fields)
