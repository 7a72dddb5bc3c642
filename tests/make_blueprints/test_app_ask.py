"""Call Score, Nebula questions and summary pages in the custom app, run against the sandbox facade
as Make would run them: Ask About a Conversation (a question, or fields whose keys become typed
outputs through the askFieldOutputs RPC), Process a Conversation's new options, and Get Insights'
new include values."""

from __future__ import annotations

import re

import pytest
import requests

from make_blueprints.scripts import check_app
from tests.make_blueprints import app_runner

pytestmark = pytest.mark.slow

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

#: what a user maps into the Fields array (Make sends an empty Options array for non-enum types)
FIELDS = [
    {"key": "budget", "description": "the budget the customer named", "type": "number", "options": []},
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
#: Make's interface type for each declared field type
MAKE_TYPE = {"number": "number", "enum": "text", "date": "date", "boolean": "boolean", "string": "text"}


@pytest.fixture(scope="module")
def conn(facade):
    return app_runner.Connection(url=facade.url, apiKey=facade.api_key)


@pytest.fixture(scope="module")
def sales_call(conn) -> str:
    """A processed sales call's conversation ID (submitted through the app's Process module)."""
    out, _ = app_runner.run(
        "module",
        "processConversation",
        {"source": "transcript", "transcript": SALES_CALL, "name": "Brightline intro", "wait_for_result": True},
        conn,
    )
    assert out["status"] == "completed", out
    return out["conversation_id"]


def _static_interface(conn) -> list[dict]:
    return app_runner.interface("askAboutConversation", {"ask_for": "question"}, conn)


def test_ask_a_question(conn, sales_call):
    params = {"conversation_id": sales_call, "ask_for": "question", "question": "What budget did the customer mention?"}
    out, made = app_runner.run("module", "askAboutConversation", params, conn)
    assert made == [f"POST /v1/conversations/{sales_call}/ask"]
    assert out["conversation_id"] == sales_call and out["question"].startswith("What budget")
    assert "80,000" in out["answer"]
    shown = app_runner.interface("askAboutConversation", params, conn)
    assert set(out) == {f["name"] for f in shown}  # a question adds no field outputs
    assert shown == _static_interface(conn)


def test_fields_come_out_one_typed_output_per_key_as_the_rpc_declares(conn, sales_call):
    params = {"conversation_id": sales_call, "ask_for": "fields", "fields": FIELDS, "wait": 5}
    shown = app_runner.interface("askAboutConversation", params, conn)
    static = _static_interface(conn)
    assert shown[: len(static)] == static
    assert shown[len(static) :] == [{"name": f["key"], "label": f["key"], "type": MAKE_TYPE[f["type"]]} for f in FIELDS]

    out, made = app_runner.run("module", "askAboutConversation", params, conn)
    assert made == [f"POST /v1/conversations/{sales_call}/ask"]
    assert set(out) == {f["name"] for f in shown}
    assert out["budget"] == 80000 and out["competitor"] == "Globex" and out["security_review"] is True
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", out["demo_date"])
    # a value of the wrong type is null (never a string in a number output), with a warning saying why
    assert out["headcount"] is None
    assert any(w["part"] == "answers.headcount" and w["code"] == "wrong_type" for w in out["warnings"])
    kinds = {"number": (int, float), "boolean": bool, "text": str, "date": str}
    for field in shown[len(static) :]:
        value = out[field["name"]]
        assert value is None or isinstance(value, kinds[field["type"]]), (field, value)


def test_a_bad_field_key_shows_the_facades_message(conn, sales_call):
    with pytest.raises(app_runner.AppError) as err:
        app_runner.run(
            "module",
            "askAboutConversation",
            {
                "conversation_id": sales_call,
                "ask_for": "fields",
                "fields": [{"key": "Deal Size", "description": "the deal size", "type": "number"}],
            },
            conn,
        )
    assert err.value.kind == "DataError" and err.value.status == 400
    assert "invalid_request" in err.value.message


def test_asking_while_the_job_runs_is_an_incomplete_data_error(conn, facade):
    running = requests.post(
        f"{facade.url}/v1/conversations",
        json={"transcript": SALES_CALL, "wait": 0},
        headers={"Authorization": f"Bearer {facade.api_key}"},
        timeout=30,
    ).json()
    with pytest.raises(app_runner.AppError) as err:
        app_runner.run(
            "module",
            "askAboutConversation",
            {"conversation_id": running["conversation_id"], "ask_for": "question", "question": "What budget?"},
            conn,
        )
    assert err.value.kind == "IncompleteDataError" and err.value.status == 202
    assert running["conversation_id"] in err.value.message and "still processing" in err.value.message


def test_process_with_call_score_summary_page_and_questions(conn):
    out, made = app_runner.run(
        "module",
        "processConversation",
        {
            "source": "transcript",
            "transcript": SALES_CALL,
            "name": "Brightline scored",
            "wait_for_result": True,
            "call_score": True,
            "conversation_type": "sales",
            "sales_stage": "qualification",
            "prospect_name": "Acme Corp",
            "summary_page": True,
            "ask": "Who needs to sign off?",
            "fields": FIELDS[:2],
        },
        conn,
    )
    assert made[0] == "POST /v1/conversations" and made[-1].endswith("/insights")
    assert out["status"] == "completed", out
    assert isinstance(out["call_score"], int) and 0 <= out["call_score"] <= 100
    assert len(out["call_score_criteria"]) == 4 and "Acme Corp" in out["call_score_summary"]
    assert out["summary_url"].startswith("http") and out["summary_url"] in out["slack_text"]
    assert "CTO" in out["answer"]
    assert out["answers"] == {"budget": 80000, "competitor": "Globex"}
    assert not [w for w in out["warnings"] if w["part"] == "call_score"]


def test_get_insights_can_include_the_summary_page(conn, sales_call):
    meta = check_app.manifest()["components"]["module"]["getInsights"]
    (include,) = [p for p in check_app.read_json(meta["codeFiles"]["mappableParams"]) if p["name"] == "include"]
    assert {"call_score", "summary_url"} <= {o["value"] for o in include["options"]}
    first, made = app_runner.run(
        "module", "getInsights", {"conversation_id": sales_call, "include": ["summary_url"], "wait": 10}, conn
    )
    assert made == [f"GET /v1/conversations/{sales_call}/insights"]
    assert first["summary_url"].startswith("http") and first["summary"]  # named alone, it keeps every part
    again, _ = app_runner.run(
        "module",
        "getInsights",
        {"conversation_id": sales_call, "include": ["summary_url", "call_score"], "wait": 10},
        conn,
    )
    assert again["summary_url"] == first["summary_url"]  # created once
