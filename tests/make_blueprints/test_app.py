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
        assert set(samples) <= {f["name"] for f in interface if isinstance(f, dict)}, name  # rpc:// adds the rest


def test_the_four_required_modules_and_the_hook_trigger_exist():
    modules = check_app.manifest()["components"]["module"]
    kinds = {name: meta["moduleType"] for name, meta in modules.items()}
    assert kinds == {
        "processConversation": "action",
        "appendConversation": "action",
        "getInsights": "action",
        "watchConversationProcessed": "instant_trigger",
        "makeApiCall": "universal",
        "processBatch": "action",
        "createOrUpdateTracker": "action",
        "askAboutConversation": "action",
    }
    hook = check_app.manifest()["components"]["webhook"][modules["watchConversationProcessed"]["webhook"]]
    attach = check_app.read_json(hook["codeFiles"]["attach"])
    assert (attach["method"], attach["url"]) == ("POST", "/v1/hooks")


def test_process_conversation_polls_with_repeat_inside_the_module_limit():
    api = check_app.read_json(
        check_app.manifest()["components"]["module"]["processConversation"]["codeFiles"]["communication"]
    )
    assert [r["method"] for r in api] == ["POST", "GET", "GET"]
    assert api[0]["body"]["wait"] == 0
    assert api[1]["repeat"]["limit"] >= 2 and api[1]["url"] == "/v1/jobs/{{temp.job_id}}"
    assert check_app.poll_budget_seconds(api) <= check_app.MODULE_TIME_LIMIT_S - 5


def test_a_wait_chosen_between_two_numbers_counts_as_the_larger():
    assert check_app.poll_budget_seconds([{"url": "/x", "qs": {"wait": "{{if(parameters.call_score, 6, 0)}}"}}]) == 6.5
    assert check_app.poll_budget_seconds([{"url": "/x", "qs": {"wait": "{{parameters.wait}}"}}]) == 25.5


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
    (
        "negative delay",
        "communication",
        {"url": "/v1/jobs/1", "repeat": {"condition": "{{true}}", "delay": -1, "limit": 2}},
    ),
    (
        "unknown error type",
        "base",
        {
            "baseUrl": "https://x.example.com",
            "response": {"error": {"429": {"type": "TooManyError"}}},
            "log": {"sanitize": ["request.headers.authorization"]},
        },
    ),
    ("parameter type", "parameters", [{"name": "x", "type": "string"}]),
    ("empty parameter name", "parameters", [{"name": "", "type": "text"}]),
    ("interface without type", "interface", [{"name": "summary"}]),
    ("samples not an object", "samples", [1, 2]),
    ("webhook directive typo", "webhookCommunication", {"respnd": {"status": 200}}),
    ("request-less with a method", "rpcCommunication", {"method": "GET", "response": {"output": {}}}),
    ("request-less module", "communication", {"response": {"output": {}}}),
    ("attach without body", "webhookAttach", {"url": "/v1/hooks", "method": "POST", "response": {"data": {}}}),
    (
        "connection metadata type",
        "connectionCommunication",
        {"url": "/v1/me", "response": {"metadata": {"type": "number", "value": "x"}}},
    ),
]


#: where our schema was looser than Make's (vscode-apps-sdk syntaxes/imljson/schemas)
MAKE_REJECTS = [
    (
        "headers as an IML string",
        "communication",
        {"url": "/v1/me", "headers": "{{toCollection(parameters.headers, 'key', 'value')}}"},
    ),
    (
        "qs as an IML string",
        "communication",
        {"url": "/v1/me", "qs": "{{toCollection(parameters.qs, 'key', 'value')}}"},
    ),
    ("POST without body", "communication", {"url": "/v1/conversations", "method": "POST"}),
    ("DELETE without body", "webhookDetach", {"url": "/v1/hooks/{{webhook.externalHookId}}", "method": "DELETE"}),
    (
        "per-status error without message",
        "base",
        {
            "baseUrl": "https://x.example.com",
            "response": {"error": {"message": "x", "429": {"type": "RateLimitError"}}},
        },
    ),
    ("error without message", "communication", {"url": "/v1/me", "response": {"error": {"type": "DataError"}}}),
    (
        "parameter mode fixed",
        "parameters",
        [{"name": "x", "type": "select", "mode": "fixed", "options": [{"label": "A", "value": "a"}]}],
    ),
]
#: where our schema was stricter than Make's
MAKE_ACCEPTS = [
    ("base timeout", "base", {"baseUrl": "https://x.example.com", "timeout": 30000}),
    (
        "parameter mode choose",
        "parameters",
        [{"name": "x", "type": "select", "mode": "choose", "options": [{"label": "A", "value": "a"}]}],
    ),
    ("banner parameter", "parameters", [{"type": "banner", "title": "Heads up", "text": "Recordings take minutes."}]),
    ("any parameter name", "parameters", [{"name": "my field", "type": "text"}]),
    (
        "a spread key merges mapped headers",
        "communication",
        {"url": "/v1/me", "headers": {"{{...}}": "{{toCollection(parameters.headers, 'key', 'value')}}"}},
    ),
    (
        "a request-less RPC",
        "rpcCommunication",
        {"response": {"iterate": "{{parameters.fields}}", "output": {"name": "{{item.key}}", "type": "text"}}},
    ),
]


@pytest.mark.parametrize(
    ("section", "content"),
    [b[1:] for b in BAD_SECTIONS + MAKE_REJECTS],
    ids=[b[0] for b in BAD_SECTIONS + MAKE_REJECTS],
)
def test_section_schema_rejects(section, content):
    assert list(check_app.section_validator(section).iter_errors(content))


@pytest.mark.parametrize(("section", "content"), [b[1:] for b in MAKE_ACCEPTS], ids=[b[0] for b in MAKE_ACCEPTS])
def test_section_schema_accepts_what_make_accepts(section, content):
    assert [e.message for e in check_app.section_validator(section).iter_errors(content)] == []


def test_schemas_name_their_source():
    for name in ("make-custom-app-sections.schema.json", "makecomapp.schema.json"):
        description = json.loads((check_app.SCHEMA / name).read_text(encoding="utf-8"))["description"]
        assert "integromat/vscode-apps-sdk" in description, name


def test_base_review_rules():
    assert check_app.base_problems(check_app.read_json("general/base.iml.json")) == []
    assert check_app.base_problems({"baseUrl": "https://x.example.com", "response": {"error": {}}}) == [
        "base: log.sanitize must hide the authorization header",
        "base: HTTP 401 must map to InvalidAccessTokenError",
        "base: HTTP 429 must map to RateLimitError",
    ]


# ------------------------------------------------------------- Make's rules for this app's files


def test_manifest_lists_every_component_type_including_endpoint():
    import jsonschema

    manifest = check_app.manifest()
    assert manifest["components"]["endpoint"] == {}
    del manifest["components"]["endpoint"]
    schema = json.loads((check_app.SCHEMA / "makecomapp.schema.json").read_text(encoding="utf-8"))
    assert any("endpoint" in e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(manifest))


def test_the_instant_trigger_has_no_scope():
    manifest = check_app.manifest()
    trigger = manifest["components"]["module"]["watchConversationProcessed"]
    assert "scope" not in trigger["codeFiles"]
    assert not (
        check_app.APP / "modules/watch-conversation-processed/watch-conversation-processed.scope.iml.json"
    ).exists()
    trigger["codeFiles"]["scope"] = manifest["components"]["module"]["makeApiCall"]["codeFiles"]["scope"]
    assert "module watchConversationProcessed: an instant_trigger module has no scope file" in check_app.problems(
        manifest
    )


def test_the_universal_module_sends_headers_and_qs_as_objects_to_a_relative_url():
    api = check_app.read_json(check_app.manifest()["components"]["module"]["makeApiCall"]["codeFiles"]["communication"])
    assert isinstance(api["headers"], dict) and isinstance(api["qs"], dict)
    assert api["url"].startswith("/")


def test_an_absolute_universal_url_is_caught(tmp_path, monkeypatch):
    api = check_app.read_json(check_app.manifest()["components"]["module"]["makeApiCall"]["codeFiles"]["communication"])
    real = check_app.read_json
    monkeypatch.setattr(
        check_app,
        "read_json",
        lambda rel: (
            {**api, "url": "{{parameters.url}}"} if rel.endswith("make-api-call.communication.iml.json") else real(rel)
        ),
    )
    assert any("universal module's url must be a path" in p for p in check_app.problems())


def test_dashed_keys_are_named_the_iml_way():
    text = (check_app.APP / "general/base.iml.json").read_text(encoding="utf-8")
    assert "headers.`retry-after`" in text and not check_app.BRACKET_KEY_RE.search(text)
    assert check_app.BRACKET_KEY_RE.search("{{ifempty(headers['retry-after'], 60)}}")


def test_manifest_schema_rejects_an_unknown_module_type(tmp_path):
    import jsonschema

    manifest = check_app.manifest()
    manifest["components"]["module"]["getInsights"]["moduleType"] = "poller"
    schema = json.loads((check_app.SCHEMA / "makecomapp.schema.json").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(manifest))


@pytest.mark.parametrize(
    ("status", "kind", "shown"),
    [
        (429, "RateLimitError", "[429] Too many requests; slow down. (rate_limited) Retry after 7 s."),
        (503, "ConnectionError", "[503] Too many requests; slow down. (rate_limited) Retry after 7 s."),
        (422, "DataError", "[422] Too many requests; slow down. (rate_limited)"),
        (418, "RuntimeError", "[418] Too many requests; slow down. (rate_limited)"),
    ],
)
def test_base_error_mapping_renders_the_facades_error(status, kind, shown):
    from tests.make_blueprints.app_runner import render

    error = check_app.read_json("general/base.iml.json")["response"]["error"]
    spec = error.get(str(status), {})
    ctx = {
        "statusCode": status,
        "headers": {"retry-after": "7"},
        "body": {"error": {"code": "rate_limited", "message": "Too many requests; slow down.", "details": None}},
    }
    assert spec.get("type", error["type"]) == kind
    assert render(spec.get("message", error["message"]), ctx) == shown


# ------------------------------------------- samples and delivery fields come from the facade's code


def test_samples_are_the_facades_own_flattening_of_its_sample_conversation():
    from connector.insights.samples import sample_flat

    real = sample_flat().model_dump(mode="json")
    assert real["call_score"] and real["answers"] and real["summary_url"]  # the sample shows every feature
    for module in ("getInsights", "processConversation", "appendConversation"):
        assert check_app.read_json(check_app.manifest()["components"]["module"][module]["codeFiles"]["samples"]) == real
    trigger = check_app.read_json("modules/watch-conversation-processed/watch-conversation-processed.samples.iml.json")
    assert trigger["action_items_text"] == real["action_items_text"] and trigger["event"] == "conversation.completed"


def test_the_triggers_fields_are_the_facades_delivery_models():
    from connector.api.models import CompletedEvent, FailedEvent

    interface = check_app.read_json(
        "modules/watch-conversation-processed/watch-conversation-processed.interface.iml.json"
    )
    assert {f["name"] for f in interface} == set(CompletedEvent.model_fields) | set(FailedEvent.model_fields)


def test_attach_keeps_the_hook_id_for_detach(monkeypatch):
    real = check_app.read_json
    monkeypatch.setattr(
        check_app,
        "read_json",
        lambda rel: (
            {"url": "/v1/hooks", "method": "POST", "body": {}} if rel.endswith("attach.iml.json") else real(rel)
        ),
    )
    assert (
        "webhook conversationEvents: attach must keep response.data.externalHookId for detach" in check_app.problems()
    )
