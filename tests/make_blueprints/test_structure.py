"""Every blueprint passes Make's structural rules, leak checks and our facade conventions."""

from __future__ import annotations

import copy
import json

import pytest

from make_blueprints.scripts import iml, validate

SLUGS = validate.slugs()


def test_there_are_the_four_scenarios():
    assert SLUGS == [
        "call-scored-crm-slack",
        "conversation-processed-slack-crm",
        "process-recording",
        "text-to-insights-sync",
    ]


@pytest.mark.parametrize("slug", SLUGS)
def test_blueprint_passes_structural_rules(slug):
    assert validate.check_blueprint(slug, validate.load(slug)) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_readme_follows_the_catalogue_format(slug):
    assert validate.check_readme(slug, validate.load(slug)) == []


def test_index_json_and_index_md_are_current():
    assert validate.check_index() == []


@pytest.mark.parametrize("slug", SLUGS)
def test_every_facade_call_is_http_make_request_v4_with_variables(slug):
    calls = [v.module for v in iml.walk(validate.load(slug)["flow"]) if validate.is_facade_call(v.module)]
    # the callback receivers (scenario 2, call scored) never call the facade; the other two do
    assert bool(calls) is (slug not in ("conversation-processed-slack-crm", "call-scored-crm-slack"))
    for mod in calls:
        assert (mod["module"], mod["version"]) == ("http:MakeRequest", 4)
        assert mod["mapper"]["url"].startswith("{{var.team.SYMBL_CONNECTOR_URL}}/v1/")


def test_scenario_1_hands_off_to_scenario_2_by_callback_url():
    submit = next(
        v.module for v in iml.walk(validate.load("process-recording")["flow"]) if validate.is_facade_call(v.module)
    )
    template = submit["mapper"]["jsonStringBodyContent"]
    assert '"callback_url": "{{var.team.SYMBL_PROCESSED_WEBHOOK_URL}}"' in template
    assert json.loads(iml.EXPR_RE.sub("0", template))["wait"] == 0  # nothing waits in scenario 1
    first = validate.load("conversation-processed-slack-crm")["flow"][0]
    assert first["module"] == "gateway:CustomWebHook" and "hook" not in first["parameters"]


def test_scenario_2_routes_on_the_flat_flags():
    bp = validate.load("conversation-processed-slack-crm")
    router = bp["flow"][1]
    assert router["module"] == "builtin:BasicRouter"
    firsts = [route["flow"][0] for route in router["routes"]]
    assert all(f.get("filter") for f in firsts), "each route starts with a filter"
    refs = {path for f in firsts for _, path in iml.references(f["filter"])}
    assert {"is_negative", "tracker_names", "event"} <= refs
    mapped = {path for v in iml.walk(bp["flow"]) for _, path in iml.references(iml.own_settings(v.module))}
    assert {"slack_text", "crm_note", "action_items", "text", "due"} <= mapped


# ---------------------------------------------------------------------- the checks catch mistakes


def _mutate(slug, change):
    bp = copy.deepcopy(validate.load(slug))
    change(bp)
    return validate.check_blueprint(slug, bp)


def _router(bp):
    return bp["flow"][1]


BAD = [
    (
        "duplicate id",
        "conversation-processed-slack-crm",
        lambda bp: _router(bp)["routes"][2]["flow"][0].update(id=3),
        "duplicate module id 3",
    ),
    ("string id", "process-recording", lambda bp: bp["flow"][1].update(id="2"), "module id must be an integer"),
    (
        "bad module name",
        "process-recording",
        lambda bp: bp["flow"][2].update(module="HTTP:make request"),
        "invalid module identifier",
    ),
    (
        "version 0",
        "process-recording",
        lambda bp: bp["flow"][2].update(version=0),
        "version must be a positive integer",
    ),
    (
        "legacy http version",
        "process-recording",
        lambda bp: bp["flow"][2].update(version=3),
        "http:MakeRequest version 4",
    ),
    (
        "hook id left in",
        "process-recording",
        lambda bp: bp["flow"][0]["parameters"].update(hook=123),
        "parameters.hook must be omitted",
    ),
    (
        "connection left in",
        "text-to-insights-sync",
        lambda bp: bp["flow"][3]["routes"][0]["flow"][0]["parameters"].update(__IMTCONN__=99),
        "parameters.__IMTCONN__",
    ),
    (
        "exporter metadata",
        "process-recording",
        lambda bp: bp["flow"][0]["metadata"].update(restore={}),
        "exporter-only",
    ),
    (
        "filter on router",
        "conversation-processed-slack-crm",
        lambda bp: _router(bp).update(filter={"name": "x", "conditions": [[{"a": "1", "o": "exist"}]]}),
        "router must not carry a filter",
    ),
    (
        "router mapper",
        "conversation-processed-slack-crm",
        lambda bp: _router(bp).update(mapper={}),
        "router mapper must be null",
    ),
    (
        "filter on first module",
        "process-recording",
        lambda bp: bp["flow"][0].update(filter={"name": "x", "conditions": [[{"a": "1", "o": "exist"}]]}),
        "first module",
    ),
    (
        "reference to a later module",
        "process-recording",
        lambda bp: bp["flow"][1]["mapper"].update(object="{{3.data.name}}"),
        "does not run before module 2",
    ),
    (
        "reference to a sibling route",
        "conversation-processed-slack-crm",
        lambda bp: _router(bp)["routes"][2]["flow"][0]["mapper"].update(text="{{4.json}}"),
        "does not run before module 9",
    ),
    (
        "reference to a missing module",
        "process-recording",
        lambda bp: bp["flow"][3]["mapper"].update(body="{{ifempty(42.x; 1.name)}}"),
        "{{42.x}}",
    ),
    (
        "literal api key",
        "process-recording",
        lambda bp: bp["flow"][2]["mapper"]["headers"][0].update(value="Bearer sk_live_abcdefghijklmnop"),
        "literal bearer token",
    ),
    ("real e-mail", "process-recording", lambda bp: bp.update(description="ask jane@acme.io"), "e-mail"),
    (
        "real webhook URL",
        "process-recording",
        lambda bp: bp["flow"][2]["mapper"].update(
            jsonStringBodyContent=bp["flow"][2]["mapper"]["jsonStringBodyContent"].replace(
                "{{var.team.SYMBL_PROCESSED_WEBHOOK_URL}}", "https://hook.eu1.make.com/abc"
            )
        ),
        "webhook URL",
    ),
    (
        "literal facade URL",
        "text-to-insights-sync",
        lambda bp: bp["flow"][2]["mapper"].update(url="https://connector.acme.io/v1/conversations"),
        "literal URL",
    ),
    (
        "long numeric id",
        "conversation-processed-slack-crm",
        lambda bp: _router(bp)["routes"][0]["flow"][0]["mapper"].update(channel="12345678"),
        "long numeric ID",
    ),
    (
        "off-grid designer",
        "process-recording",
        lambda bp: bp["flow"][1]["metadata"]["designer"].update(x=310),
        "300 grid",
    ),
    (
        "wait beyond the module limit",
        "text-to-insights-sync",
        lambda bp: bp["flow"][2]["mapper"].update(
            jsonStringBodyContent=bp["flow"][2]["mapper"]["jsonStringBodyContent"].replace('"wait": 25', '"wait": 60')
        ),
        "module limit",
    ),
    (
        "body not JSON",
        "process-recording",
        lambda bp: bp["flow"][2]["mapper"].update(jsonStringBodyContent='{"url": {{1.recording_url}}, }'),
        "not JSON",
    ),
    (
        "extra top-level key",
        "process-recording",
        lambda bp: bp.update(scheduling={"type": "immediately"}),
        "top-level key",
    ),
    (
        "empty route",
        "conversation-processed-slack-crm",
        lambda bp: _router(bp)["routes"].append({"flow": []}),
        "must be non-empty",
    ),
]


@pytest.mark.parametrize(("slug", "change", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_structural_check_catches(slug, change, expected):
    fails = _mutate(slug, change)
    assert any(expected in f for f in fails), fails


# ------------------------------------------------- Make's scenario metadata and exported options


def _slack_modules(bp):
    return [v.module for v in iml.walk(bp["flow"]) if v.module["module"] == "slack:CreateMessage"]


def test_slack_channel_modes_are_ones_make_exports():
    modes = [m["mapper"]["channelWType"] for slug in SLUGS for m in _slack_modules(validate.load(slug))]
    assert len(modes) == 5 and set(modes) <= {"manualy", "list"}


def test_a_map_channel_mode_is_caught():
    def change(bp):
        _slack_modules(bp)[0]["mapper"]["channelWType"] = "map"

    assert any("channelWType 'map'" in f for f in _mutate("text-to-insights-sync", change))


@pytest.mark.parametrize("slug", SLUGS)
def test_webhook_scenarios_are_instant(slug):
    bp = validate.load(slug)
    assert bp["flow"][0]["module"] == "gateway:CustomWebHook" and bp["metadata"]["instant"] is True
    assert any("instant must be true" in f for f in _mutate(slug, lambda b: b["metadata"].pop("instant")))


def test_a_readme_suggesting_break_needs_dlq():
    bp = validate.load("process-recording")
    assert "Break" in (validate.PATTERNS / "process-recording" / "README.md").read_text(encoding="utf-8")
    assert bp["metadata"]["scenario"]["dlq"] is True
    bp["metadata"]["scenario"]["dlq"] = False
    assert any("dlq must be true" in f for f in validate.check_readme("process-recording", bp))


def test_a_break_handler_needs_dlq():
    def change(bp):
        bp["metadata"]["scenario"]["dlq"] = False
        bp["flow"][2]["onerror"] = [
            {
                "id": 9,
                "module": "builtin:Break",
                "version": 1,
                "parameters": {"count": 3, "interval": 1},
                "mapper": {},
                "metadata": {"designer": {"x": 900, "y": 300}},
            }
        ]

    assert any("dlq must be true" in f for f in _mutate("process-recording", change))


def test_readme_runs_these_tests_and_states_no_hand_counted_figures():
    import re

    text = (validate.ROOT / "README.md").read_text(encoding="utf-8")
    assert "pytest -q tests/make_blueprints" in text
    assert "### Checked offline" in text and "### Only a real Make account can show" in text
    assert not re.search(r"~\s*\d+\s*(s|sec|seconds|min)\b|\b\d+\s+(tests|checks)\b|\b\d+ passed", text)
