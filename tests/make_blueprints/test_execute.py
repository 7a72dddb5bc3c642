"""Run each blueprint's facade calls in order against the running facade (sandbox mode), with the
IML references filled from the previous answers, and hand scenario 1 over to scenario 2 through a
real callback."""

from __future__ import annotations

import copy
import re

import pytest
import requests

from make_blueprints.scripts import check_app, validate
from tests.make_blueprints import runner

pytestmark = pytest.mark.slow

#: text with the characters that break naive JSON bodies: quotes, backslashes, newlines
TRICKY_NAME = 'Weekly "sync" \\ Acme\nsecond line'
TRANSCRIPT = (
    'Alice: Can you match Globex\'s price? We are "very" keen.\n'
    "Bob: I will send a revised quote by Friday.\nAlice: Great, thanks."
)
SLACK_TEAM = {"SLACK_ALERT_CHANNEL_ID": "C0TEST", "HUBSPOT_PRIVATE_APP_TOKEN": "test-token"}


def test_process_recording_hands_off_to_conversation_processed(facade, receiver):
    # scenario 1: a caller posts a recording URL to the webhook
    run1 = runner.run(
        validate.load("process-recording"),
        facade.team(SYMBL_PROCESSED_WEBHOOK_URL=receiver.url),
        webhook={"recording_url": "https://example.com/calls/weekly-sync.mp3", "name": TRICKY_NAME},
    )
    (submit,) = run1.calls
    assert (submit.method, submit.status) == ("POST", 202)
    assert submit.body["name"] == TRICKY_NAME and submit.body["callback_url"] == receiver.url
    answer = run1.rendered[4]["json_body"]
    assert answer == {k: submit.answer[k] for k in ("conversation_id", "job_id", "status")}

    # the facade calls scenario 2's webhook when the job is done
    delivery = receiver.wait_for(lambda d: d.body.get("conversation_id") == answer["conversation_id"])
    assert delivery.headers["X-Connector-Event"] == delivery.body["event"] == "conversation.completed"
    assert delivery.headers["X-Connector-Event-Id"] == delivery.body["event_id"]
    assert delivery.signed_with(facade.callback_secret)
    flat = set(facade.openapi.properties(facade.openapi.schema("FlatInsights")))
    assert flat <= set(delivery.body), f"missing: {flat - set(delivery.body)}"
    assert '"sync" \\ Acme' in delivery.body["name"]  # quotes and backslash survived the JSON body

    # scenario 2 runs on that delivery: no facade call, every mapping resolves
    body = delivery.body
    run2 = runner.run(validate.load("conversation-processed-slack-crm"), facade.team(**SLACK_TEAM), webhook=body)
    assert run2.calls == []
    alert = body["is_negative"] or "Competitor" in body["tracker_names"]
    assert (3 in run2.rendered) is alert and (3 in run2.skipped) is not alert
    if alert:
        assert run2.rendered[3]["text"] == body["slack_text"]
    note = run2.rendered[5]["json_body"]["properties"]
    assert note["hs_note_body"] == body["crm_note"] and body["crm_note"]
    items = body["action_items"][:3]  # the runner feeds at most 3 bundles
    assert run2.times.get(8, 0) == len(items)
    if items:  # the last task rendered is the last item's
        task = run2.rendered[8]["json_body"]["properties"]
        assert task["hs_task_subject"] == items[-1]["text"]
        assert task["hs_timestamp"] == (items[-1]["due"] or task["hs_timestamp"])
    assert 9 in run2.skipped  # the failure route is only for conversation.failed


def test_conversation_processed_reports_a_failed_delivery(facade):
    failed = {
        "event": "conversation.failed",
        "event_id": "e-1",
        "conversation_id": "5678901234567890",
        "job_id": "j-1",
        "status": "failed",
        "error": {"code": "job_failed", "message": "Symbl could not read the file."},
    }
    run = runner.run(validate.load("conversation-processed-slack-crm"), facade.team(**SLACK_TEAM), webhook=failed)
    assert run.skipped >= {3, 4} and 9 in run.rendered
    assert "Symbl could not read the file." in run.rendered[9]["text"]


def test_text_to_insights_answers_within_the_bounded_wait(facade):
    run = runner.run(
        validate.load("text-to-insights-sync"),
        facade.team(**SLACK_TEAM),
        webhook={"transcript": TRANSCRIPT, "name": "Support chat 1234"},
    )
    (submit,) = run.calls
    assert submit.status == 200 and submit.body["transcript"] == TRANSCRIPT
    assert run.rendered[5]["text"] == submit.answer["slack_text"] != ""
    assert 6 in run.skipped


def test_text_to_insights_long_polls_once_when_still_running(facade):
    bp = copy.deepcopy(validate.load("text-to-insights-sync"))
    submit = bp["flow"][2]["mapper"]
    submit["jsonStringBodyContent"] = submit["jsonStringBodyContent"].replace('"wait": 25', '"wait": 0')
    run = runner.run(bp, facade.team(**SLACK_TEAM), webhook={"transcript": TRANSCRIPT, "name": "Support chat 1235"})
    first, second = run.calls
    assert first.status == 202 and second.method == "GET" and second.status == 200
    assert second.url.endswith(f"/v1/conversations/{first.answer['conversation_id']}/insights")
    assert run.rendered[7]["text"] == second.answer["slack_text"]


def test_a_wrong_api_key_fails_with_the_facades_message(facade):
    with pytest.raises(AssertionError, match=r"-> 401: .*\"error\""):
        runner.run(
            validate.load("text-to-insights-sync"),
            {**facade.team(**SLACK_TEAM), "SYMBL_CONNECTOR_API_KEY": "wrong"},
            webhook={"transcript": TRANSCRIPT, "name": "x"},
        )


# ----------------------------------------------------------- the custom app's hook trigger


def _app_render(value, ctx: dict):
    """Fill the plain ``{{a.b}}`` references of an app code file (attach/detach use nothing else)."""
    if isinstance(value, dict):
        return {k: _app_render(v, ctx) for k, v in value.items()}
    if isinstance(value, str):

        def one(m):
            node = ctx
            for part in m.group(1).strip().split("."):
                node = node[part]
            return str(node)

        return re.sub(r"\{\{([\w.\s]+)\}\}", one, value)
    return value


def test_app_hook_trigger_attaches_receives_and_detaches(facade, receiver):
    meta = check_app.manifest()["components"]["webhook"]["conversationEvents"]["codeFiles"]
    attach_code = check_app.read_json(meta["attach"])
    attach = _app_render(
        {k: attach_code[k] for k in ("url", "method", "body")},
        {"webhook": {"url": receiver.url}, "parameters": {"event": "conversation.completed"}},
    )
    auth = {"Authorization": f"Bearer {facade.api_key}"}
    created = requests.request(
        attach["method"], facade.url + attach["url"], json=attach["body"], headers=auth, timeout=10
    )
    assert created.status_code == 201, created.text
    data = _app_render(attach_code["response"]["data"], {"body": created.json()})

    sub = requests.post(
        facade.url + "/v1/conversations", json={"transcript": TRANSCRIPT, "wait": 0}, headers=auth, timeout=10
    )
    conversation_id = sub.json()["conversation_id"]
    delivery = receiver.wait_for(lambda d: d.body.get("conversation_id") == conversation_id)
    assert delivery.signed_with(data["secret"])
    interface = check_app.read_json(
        "modules/watch-conversation-processed/watch-conversation-processed.interface.iml.json"
    )
    assert {f["name"] for f in interface} - {"error"} <= set(delivery.body)

    detach = _app_render(check_app.read_json(meta["detach"]), {"webhook": data})
    gone = requests.request(detach["method"], facade.url + detach["url"], headers=auth, timeout=10)
    assert gone.status_code == 204
    assert data["externalHookId"] not in {h["id"] for h in facade.get("/v1/hooks").json()["hooks"]}


def test_connection_test_call_identifies_the_key(facade):
    conn = check_app.read_json("connections/symbl-connector/symbl-connector.communication.iml.json")
    url = conn["url"].replace("{{parameters.url}}", facade.url)
    ok = requests.get(url, headers={"authorization": f"Bearer {facade.api_key}"}, timeout=10)
    assert ok.status_code == 200 and ok.json()["key_id"] and facade.api_key not in ok.text
    bad = requests.get(url, headers={"authorization": "Bearer nope"}, timeout=10)
    assert bad.status_code == 401 and bad.json()["error"]["message"]  # what base's error mapping shows


# ------------------------------------------- call scored: score, answers and summary link into HubSpot and Slack

SCORED_SUBMIT = {
    "call_score": True,
    "conversation_type": "sales",
    "sales_stage": "discovery",
    "prospect_name": "Acme Corp",
    "summary_page": True,
    "fields": [
        {"key": "budget", "description": "the budget the customer named", "type": "number"},
        {
            "key": "competitor",
            "description": "the competitor they are evaluating",
            "type": "enum",
            "options": ["Globex", "Initech"],
        },
        {"key": "decision_date", "description": "when they will decide", "type": "date"},
    ],
}
DEAL_FOUND = {"data": {"total": 1, "results": [{"id": "4242", "properties": {"dealname": "x"}}]}, "statusCode": 200}


def test_call_scored_writes_score_answers_and_link_to_the_deal_and_slack(facade, receiver):
    from tests.make_blueprints.test_app_ask import SALES_CALL

    name = 'Acme Corp - "Q3" new business'
    sub = requests.post(
        f"{facade.url}/v1/conversations",
        timeout=30,
        headers={"Authorization": f"Bearer {facade.api_key}"},
        json={"transcript": SALES_CALL, "name": name, "wait": 0, "callback_url": receiver.url, **SCORED_SUBMIT},
    )
    assert sub.status_code == 202, sub.text
    body = receiver.wait_for(lambda d: d.body.get("conversation_id") == sub.json()["conversation_id"]).body
    assert isinstance(body["call_score"], int) and body["summary_url"] and body["answers"]["budget"] == 80000

    run = runner.run(
        validate.load("call-scored-crm-slack"), facade.team(**SLACK_TEAM), webhook=body, stubs={4: DEAL_FOUND}
    )
    assert run.calls == []  # everything it needs came with the delivery
    search = run.rendered[4]["json_body"]["filterGroups"][0]["filters"][0]
    assert (search["propertyName"], search["value"]) == ("dealname", name)  # quotes survived the JSON body
    deal = run.rendered[6]
    assert deal["url"].endswith("/crm/v3/objects/deals/4242") and deal["method"] == "patch"
    assert deal["json_body"]["properties"] == {
        "symbl_call_score": str(body["call_score"]),
        "symbl_summary_url": body["summary_url"],
        "symbl_budget": "80000",
        "symbl_competitor": "Globex",
        "symbl_decision_date": body["answers"]["decision_date"] or "",
    }
    note = run.rendered[7]["json_body"]
    assert note["properties"]["hs_note_body"] == body["crm_note"] and "Call score" in body["crm_note"]
    assert note["associations"][0]["to"]["id"] == "4242"
    slack = run.rendered[8]["text"]
    assert f"call score {body['call_score']} " in slack and f"<{body['summary_url']}|" in slack

    # no deal with that name: nothing is written to HubSpot, Slack still gets the link
    none = runner.run(
        validate.load("call-scored-crm-slack"),
        facade.team(**SLACK_TEAM),
        webhook=body,
        stubs={4: {"data": {"total": 0, "results": []}, "statusCode": 200}},
    )
    assert none.skipped >= {5} and not {6, 7} & set(none.rendered) and 8 in none.rendered


def test_call_scored_skips_a_failed_delivery(facade):
    failed = {
        "event": "conversation.failed",
        "event_id": "e-2",
        "conversation_id": "5678901234567890",
        "job_id": "j-2",
        "status": "failed",
        "error": {"code": "job_failed", "message": "Symbl could not read the file."},
    }
    run = runner.run(validate.load("call-scored-crm-slack"), facade.team(**SLACK_TEAM), webhook=failed)
    assert run.skipped >= {3, 8} and run.rendered == {}
