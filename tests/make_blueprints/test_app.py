"""The custom app matches Make's on-disk layout and the section schemas written from Make's docs."""

from __future__ import annotations

import json

import pytest

from make_blueprints.scripts import build_app_interfaces, check_app


def test_app_has_no_problems():
    assert check_app.problems() == []


def test_interfaces_and_samples_are_generated_from_the_contract():
    stale = [
        str(path.relative_to(check_app.APP))
        for path, content in build_app_interfaces.expected_files().items()
        if not path.exists() or path.read_text(encoding="utf-8") != build_app_interfaces.render(content)
    ]
    assert stale == [], "run: python make_blueprints/scripts/build_app_interfaces.py"


def test_every_module_has_interface_and_samples_that_agree():
    for name, meta in check_app.manifest()["components"]["module"].items():
        interface = check_app.read_json(meta["codeFiles"]["interface"])
        samples = check_app.read_json(meta["codeFiles"]["samples"])
        assert set(samples) <= {f["name"] for f in interface}, name


def test_the_four_required_modules_and_the_hook_trigger_exist():
    modules = check_app.manifest()["components"]["module"]
    kinds = {name: meta["moduleType"] for name, meta in modules.items()}
    assert kinds == {
        "processConversation": "action", "appendConversation": "action", "getInsights": "action",
        "watchConversationProcessed": "instant_trigger", "makeApiCall": "universal", "processBatch": "action",
        "createOrUpdateTracker": "action",
    }
    hook = check_app.manifest()["components"]["webhook"][modules["watchConversationProcessed"]["webhook"]]
    attach = check_app.read_json(hook["codeFiles"]["attach"])
    assert (attach["method"], attach["url"]) == ("POST", "/v1/hooks")


def test_process_conversation_polls_with_repeat_inside_the_module_limit():
    api = check_app.read_json(check_app.manifest()["components"]["module"]["processConversation"]["codeFiles"]["communication"])
    assert [r["method"] for r in api] == ["POST", "GET", "GET"]
    assert api[0]["body"]["wait"] == 0
    assert api[1]["repeat"]["limit"] >= 2 and api[1]["url"] == "/v1/jobs/{{temp.job_id}}"
    assert check_app.poll_budget_seconds(api) <= check_app.MODULE_TIME_LIMIT_S - 5


def test_base_maps_errors_and_sanitizes_logs():
    base = check_app.read_json("general/base.iml.json")
    error = base["response"]["error"]
    assert error["401"]["type"] == "InvalidAccessTokenError"
    assert error["429"]["type"] == "RateLimitError" and "retry-after" in error["429"]["message"]
    assert "body.error.message" in error["400"]["message"]
    assert "request.headers.authorization" in base["log"]["sanitize"]
    assert base["headers"]["authorization"] == "Bearer {{connection.apiKey}}"


def test_connection_tests_the_key_with_v1_me():
    conn = check_app.manifest()["components"]["connection"]["symblConnector"]
    api = check_app.read_json(conn["codeFiles"]["communication"])
    assert api["url"].endswith("/v1/me") and api["method"] == "GET"
    assert api["response"]["uid"] == "{{body.key_id}}"


# ------------------------------------------------------------------ the schemas reject mistakes

BAD_SECTIONS = [
    ("unknown directive", "communication", {"url": "/v1/me", "method": "GET", "retry": 3}),
    ("bad method", "communication", {"url": "/v1/me", "method": "FETCH"}),
    ("repeat without limit", "communication", {"url": "/v1/jobs/1", "repeat": {"condition": "{{true}}", "delay": 1}}),
    ("negative delay", "communication", {"url": "/v1/jobs/1", "repeat": {"condition": "{{true}}", "delay": -1, "limit": 2}}),
    ("unknown error type", "base", {"baseUrl": "https://x.example.com", "response": {"error": {"429": {"type": "TooManyError"}}},
                                    "log": {"sanitize": ["request.headers.authorization"]}}),
    ("base without sanitize", "base", {"baseUrl": "https://x.example.com", "response": {"error": {}}}),
    ("parameter type", "parameters", [{"name": "x", "type": "string"}]),
    ("parameter name", "parameters", [{"name": "my field", "type": "text"}]),
    ("bad rpc reference", "parameters", [{"name": "x", "type": "select", "options": "rpcs/list"}]),
    ("interface without type", "interface", [{"name": "summary"}]),
    ("samples not an object", "samples", [1, 2]),
    ("webhook directive typo", "webhookCommunication", {"respnd": {"status": 200}}),
    ("attach without response", "webhookAttach", {"url": "/v1/hooks", "method": "POST"}),
    ("connection metadata type", "connectionCommunication",
     {"url": "/v1/me", "response": {"metadata": {"type": "number", "value": "x"}}}),
]


@pytest.mark.parametrize(("section", "content"), [b[1:] for b in BAD_SECTIONS], ids=[b[0] for b in BAD_SECTIONS])
def test_section_schema_rejects(section, content):
    assert list(check_app.section_validator(section).iter_errors(content))


def test_manifest_schema_rejects_an_unknown_module_type(tmp_path):
    import jsonschema

    manifest = check_app.manifest()
    manifest["components"]["module"]["getInsights"]["moduleType"] = "poller"
    schema = json.loads((check_app.SCHEMA / "makecomapp.schema.json").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(manifest))


@pytest.mark.parametrize(("status", "kind", "shown"), [
    (429, "RateLimitError", "[429] Too many requests; slow down. (rate_limited) Retry after 7 s."),
    (503, "ConnectionError", "[503] Too many requests; slow down. (rate_limited) Retry after 7 s."),
    (422, "DataError", "[422] Too many requests; slow down. (rate_limited)"),
    (418, "RuntimeError", "[418] Too many requests; slow down. (rate_limited)"),
])
def test_base_error_mapping_renders_the_facades_error(status, kind, shown):
    from tests.make_blueprints.app_runner import render

    error = check_app.read_json("general/base.iml.json")["response"]["error"]
    spec = error.get(str(status), {})
    ctx = {"statusCode": status, "headers": {"retry-after": "7"},
           "body": {"error": {"code": "rate_limited", "message": "Too many requests; slow down.", "details": None}}}
    assert spec.get("type", error["type"]) == kind
    assert render(spec.get("message", error["message"]), ctx) == shown
