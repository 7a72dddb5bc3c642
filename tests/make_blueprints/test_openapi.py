"""Every facade call and every mapped field, in the blueprints and the custom app, exists in the
running facade's /openapi.json."""

from __future__ import annotations

import json
import re

import pytest

from make_blueprints.scripts import build_app_interfaces, check_app, iml, validate

pytestmark = pytest.mark.slow

#: what a user's system POSTs to the trigger webhook of scenarios 1 and 3 (their READMEs)
WEBHOOK_INPUTS = {"process-recording": {"recording_url", "name"}, "text-to-insights-sync": {"transcript", "name"}}
BLUEPRINTS = validate.slugs()
CALLERS = [s for s in BLUEPRINTS if s in WEBHOOK_INPUTS]


#: what HubSpot's deal search answers (developers.hubspot.com, CRM search API), as far as blueprints map it
HUBSPOT_SEARCH = {
    "properties": {
        "data": {
            "properties": {
                "total": {"type": "integer"},
                "results": {
                    "type": "array",
                    "items": {"properties": {"id": {"type": "string"}, "properties": {"type": "object"}}},
                },
            }
        },
        "statusCode": {},
        "headers": {},
    }
}
HUBSPOT_SEARCH_URL = "https://api.hubapi.com/crm/v3/objects/deals/search"


def delivery_schema(openapi) -> dict:
    """A callback or hook delivery: the flat object plus event and event_id, or the failed body (docs/api.md)."""
    return {
        "allOf": [
            {"$ref": "#/components/schemas/FlatInsights"},
            {
                "properties": {
                    "event": {"type": "string"},
                    "event_id": {"type": "string"},
                    "error": {"$ref": "#/components/schemas/JobError"},
                }
            },
        ]
    }


def facade_calls(slug):
    for v in iml.walk(validate.load(slug)["flow"]):
        if validate.is_facade_call(v.module):
            m = v.module["mapper"]
            body = (
                json.loads(iml.EXPR_RE.sub("0", m["jsonStringBodyContent"])) if m.get("jsonStringBodyContent") else {}
            )
            path = m["url"][len(validate.FACADE_URL) :]
            yield v.module["id"], m["method"], path, body, m.get("queryParameters") or [], m.get("headers") or []


@pytest.mark.parametrize("slug", CALLERS)
def test_blueprint_facade_calls_exist_in_openapi(openapi, slug):
    for mid, method, path, body, query, headers in facade_calls(slug):
        found = openapi.operation(method, path)
        assert found, f"module {mid}: {method.upper()} {path} is not in /openapi.json"
        _, op = found
        assert set(body) <= openapi.body_fields(op), (
            f"module {mid}: unknown body fields {set(body) - openapi.body_fields(op)}"
        )
        assert {q["name"] for q in query} <= openapi.params(op, "query")
        sent = {h["name"].lower() for h in headers} - {"authorization", "content-type"}
        assert sent <= openapi.params(op, "header"), f"module {mid}: headers {sent}"


def output_schemas(slug, openapi) -> dict[int, dict]:
    """Module id -> the JSON schema of what that module outputs, as far as mappings may reach."""
    out: dict[int, dict] = {}
    for v in iml.walk(validate.load(slug)["flow"]):
        mod, mid = v.module, v.module["id"]
        if mod["module"] == "gateway:CustomWebHook":
            out[mid] = (
                delivery_schema(openapi)
                if slug not in WEBHOOK_INPUTS
                else {"properties": {k: {"type": "string"} for k in WEBHOOK_INPUTS[slug]}}
            )
        elif validate.is_facade_call(mod):
            _, op = openapi.operation(mod["mapper"]["method"], mod["mapper"]["url"][len(validate.FACADE_URL) :])
            out[mid] = {"properties": {"data": {"anyOf": openapi.answers(op)}, "statusCode": {}, "headers": {}}}
        elif mod["module"] == "http:MakeRequest" and mod["mapper"]["url"] == HUBSPOT_SEARCH_URL:
            out[mid] = HUBSPOT_SEARCH
        elif mod["module"] == "json:TransformToJSON":
            out[mid] = {"properties": {"json": {"type": "string"}}}
        elif mod["module"] == "builtin:BasicFeeder":
            ((src, path),) = iml.references(mod["mapper"]["array"])
            out[mid] = openapi.item_schema(out[src], path.split("."))
        else:
            out[mid] = {"properties": {}}
    return out


@pytest.mark.parametrize("slug", BLUEPRINTS)
def test_every_mapping_names_a_field_its_module_outputs(openapi, slug):
    schemas = output_schemas(slug, openapi)
    for v in iml.walk(validate.load(slug)["flow"]):
        for ref, path in iml.references(iml.own_settings(v.module)):
            assert openapi.has_path(schemas[ref], path.split(".")), (
                f"module {v.module['id']}: {{{{{ref}.{path}}}}} is not a field module {ref} outputs"
            )


def test_the_checks_would_catch_a_renamed_field(openapi):
    schemas = output_schemas("conversation-processed-slack-crm", openapi)
    assert openapi.has_path(schemas[1], ["slack_text"])
    assert not openapi.has_path(schemas[1], ["slack_message"])
    assert openapi.has_path(schemas[6], ["due"]) and not openapi.has_path(schemas[6], ["due_date"])


# ------------------------------------------------------------------------------ the custom app


def app_requests():
    """(where, request, facade path) for every request the app makes to the facade."""
    m = check_app.manifest()
    for ctype, comps in m["components"].items():
        for name, meta in comps.items():
            if meta.get("moduleType") == "universal":
                continue  # its URL is whatever the user types
            for code in ("communication", "attach", "detach"):
                if code not in meta["codeFiles"] or (ctype, code) == ("webhook", "communication"):
                    continue
                for i, req in enumerate(check_app.requests_of(check_app.read_json(meta["codeFiles"][code]))):
                    if "url" not in req:
                        continue  # request-less (askFieldOutputs): computed from parameters, no facade call
                    path = req["url"].replace("{{parameters.url}}", "")
                    yield f"{ctype} {name} {code}[{i}]", req, path


@pytest.mark.parametrize(
    ("where", "req", "path"), list(app_requests()), ids=lambda x: x if isinstance(x, str) and " " in x else ""
)
def test_app_request_exists_in_openapi(openapi, where, req, path):
    found = openapi.operation(req.get("method", "GET"), path)
    assert found, f"{where}: {req.get('method', 'GET')} {path} is not in /openapi.json"
    _, op = found
    body = req.get("body") if isinstance(req.get("body"), dict) else {}
    assert set(body) <= openapi.body_fields(op), f"{where}: unknown body fields {set(body) - openapi.body_fields(op)}"
    qs = req.get("qs") if isinstance(req.get("qs"), dict) else {}
    assert set(qs) <= openapi.params(op, "query"), f"{where}: unknown query {set(qs) - openapi.params(op, 'query')}"
    headers = {h.lower() for h in (req.get("headers") or {})} - {
        "authorization",
        "x-symbl-app-id",
        "x-symbl-app-secret",
    }
    assert headers <= openapi.params(op, "header"), f"{where}: headers {headers}"
    answers = {"anyOf": openapi.answers(op)}
    response = {k: v for k, v in (req.get("response") or {}).items() if k != "error"}
    for expr in iml.expressions(response):
        for ref in re.findall(r"(?<![\w.])body((?:\.\w+)+)", re.sub(r"'[^']*'", "", expr)):
            assert openapi.has_path(answers, ref.strip(".").split(".")), f"{where}: body{ref} is not in the answer"
    if isinstance(response.get("iterate"), str):
        (items,) = re.findall(r"body\.([\w.]+)", response["iterate"])
        item = openapi.item_schema({"anyOf": openapi.answers(op)}["anyOf"][0], items.split("."))
        for expr in iml.expressions(response.get("output")):
            for ref in re.findall(r"(?<![\w.])item\.(\w+)", expr):
                assert ref in openapi.properties(item), f"{where}: item.{ref} is not in the listed items"


def _names(interface: list[dict], prefix: str = "") -> list[list[str]]:
    out = []
    for f in interface:
        out.append((prefix + f["name"]).split("."))
        if isinstance(f.get("spec"), list):
            out += _names(f["spec"], prefix + f["name"] + ".")
    return out


def test_app_interfaces_are_flatinsights_fields(openapi):
    flat = openapi.schema("FlatInsights")
    for module in build_app_interfaces.FLAT_MODULES:
        interface = check_app.read_json(f"modules/{module}/{module}.interface.iml.json")
        missing = [p for p in _names(interface) if not openapi.has_path(flat, p)]
        assert missing == [], f"{module}: not in FlatInsights: {missing}"
        assert {f["name"] for f in interface} == set(openapi.properties(flat)), f"{module}: interface incomplete"
    t = build_app_interfaces.TRIGGER_MODULE
    interface = check_app.read_json(f"modules/{t}/{t}.interface.iml.json")
    assert [p for p in _names(interface) if not openapi.has_path(delivery_schema(openapi), p)] == []
