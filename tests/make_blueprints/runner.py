"""Run a blueprint's modules in order the way Make would, calling the real facade.

Only the facade calls are executed (``http:MakeRequest`` to ``{{var.team.SYMBL_CONNECTOR_URL}}``);
every other module (Slack, HubSpot, webhook responses) is *rendered*: its mapper is evaluated
against the earlier modules' outputs, so a mapping that names a missing field fails here, and
what it would send is recorded for the test to inspect; its output is empty, or what the test
gives in ``stubs`` (e.g. a HubSpot search answer). Filters decide which routes run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import requests

from make_blueprints.scripts import iml, validate


@dataclass
class Call:
    module_id: int
    method: str
    url: str
    headers: dict
    body: dict | None
    status: int
    answer: object


@dataclass
class Run:
    calls: list[Call] = field(default_factory=list)  # facade calls, in order
    rendered: dict[int, dict] = field(default_factory=dict)  # module id -> evaluated mapper (non-facade)
    times: dict[int, int] = field(default_factory=dict)  # module id -> how many bundles it rendered
    skipped: set[int] = field(default_factory=set)  # modules stopped by their filter
    outputs: dict[int, object] = field(default_factory=dict)


def run(
    blueprint: dict, team: dict[str, str], webhook: dict, feeder_limit: int = 3, stubs: dict[int, object] | None = None
) -> Run:
    """Execute ``blueprint`` with ``webhook`` as the trigger's bundle and ``team`` as team variables
    (``stubs``: module id -> the output of a rendered, non-facade module)."""
    result = Run()
    _flow(blueprint["flow"], {}, team, webhook, result, feeder_limit, stubs or {})
    return result


def _flow(
    flow: list[dict], outputs: dict, team: dict, webhook: dict, result: Run, feeder_limit: int, stubs: dict[int, object]
) -> None:
    outputs = dict(outputs)
    for i, mod in enumerate(flow):
        scope = iml.Scope(outputs, team)
        mid, kind, mapper = mod["id"], mod["module"], mod.get("mapper") or {}
        if not iml.passes(mod.get("filter"), scope):
            result.skipped.add(mid)
            return
        if kind == "gateway:CustomWebHook":
            outputs[mid] = webhook
        elif kind == "json:TransformToJSON":
            outputs[mid] = {"json": json.dumps(iml.render(mapper["object"], scope))}
        elif kind == "builtin:BasicRouter":
            for route in mod["routes"]:
                _flow(route["flow"], outputs, team, webhook, result, feeder_limit, stubs)
            return
        elif kind == "builtin:BasicFeeder":
            items = iml.render(mapper["array"], scope)
            assert isinstance(items, list), f"module {mid} iterates a non-array: {items!r}"
            for item in items[:feeder_limit]:
                _flow(flow[i + 1 :], {**outputs, mid: item}, team, webhook, result, feeder_limit, stubs)
            return
        elif validate.is_facade_call(mod):
            outputs[mid] = _call(mid, mapper, scope, result)
        else:
            rendered = iml.render(mapper, scope)
            if "jsonStringBodyContent" in rendered:
                rendered["json_body"] = json.loads(rendered["jsonStringBodyContent"])
            if kind == "gateway:WebhookRespond":
                rendered["json_body"] = json.loads(rendered["body"])
            result.rendered[mid] = rendered
            result.times[mid] = result.times.get(mid, 0) + 1
            outputs[mid] = stubs.get(mid, {})
        result.outputs[mid] = outputs[mid]


def _call(mid: int, mapper: dict, scope: iml.Scope, result: Run) -> dict:
    m = iml.render(mapper, scope)
    headers = {h["name"]: h["value"] for h in m.get("headers") or []}
    params = {q["name"]: q["value"] for q in m.get("queryParameters") or []}
    body = json.loads(m["jsonStringBodyContent"]) if m.get("jsonStringBodyContent") else None
    resp = requests.request(m["method"].upper(), m["url"], headers=headers, params=params, json=body, timeout=45)
    answer = resp.json() if resp.content else None
    result.calls.append(Call(mid, m["method"].upper(), m["url"], headers, body, resp.status_code, answer))
    if resp.status_code >= 400:  # stopOnHttpError: the scenario stops with the facade's message
        raise AssertionError(f"module {mid} {m['method'].upper()} {m['url']} -> {resp.status_code}: {resp.text[:500]}")
    return {"data": answer, "statusCode": resp.status_code, "headers": dict(resp.headers)}
