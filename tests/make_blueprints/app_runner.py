"""Run a custom-app module's communication against the facade the way Make's runtime would.

Covers what our app files use: request chains, ``condition``, ``temp``, ``repeat`` (condition,
delay, limit), ``response.output`` / ``iterate`` / ``valid``, request-less communication (no
``url``: the response is computed from the parameters, no HTTP call), the base URL, headers and
error mapping, and an interface that names an RPC (``"rpc://name"``, run with the module's
parameters). App IML
is JavaScript-like (``a && b``, ``x != 'y'``, ``if(c, a, b)``, ``ifempty``, ``length``, ``join``,
``toCollection``, ``first``, ``replace`` with a ``/regex/flags`` pattern, ``emptyarray``, backtick
keys such as ``headers.`retry-after```); expressions are translated to Python and evaluated with no builtins.
An object key ``{{...}}`` merges its (collection) value into the object, as Make's spread key does.
``undefined`` values are left out of bodies, query strings and headers, as Make does.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import requests

from make_blueprints.scripts import check_app


class _Undefined:
    def __repr__(self):
        return "undefined"


UNDEFINED = _Undefined()
EXPR_RE = re.compile(r"\{\{(.*?)\}\}", re.S)


class _Bag(dict):
    """A dict whose keys read as attributes; missing keys read as undefined."""

    def __missing__(self, name):
        return UNDEFINED

    def __getattr__(self, name):
        value = self.get(name, UNDEFINED)
        return _Bag(value) if isinstance(value, dict) and not isinstance(value, _Bag) else value


def _empty(v):
    return v in (None, "", [], {}) or v is UNDEFINED


FUNCTIONS = {
    "_if": lambda c, a, b=UNDEFINED: a if c and c is not UNDEFINED else b,
    "ifempty": lambda a, b: b if _empty(a) else a,
    "length": lambda a: 0 if _empty(a) else len(a),
    "join": lambda a, sep: sep.join(str(x) for x in a),
    "toCollection": lambda arr, k, v: {} if _empty(arr) else {i[k]: i[v] for i in arr},
    "first": lambda a: UNDEFINED if _empty(a) else a[0],
    "replace": lambda text, pattern, new: _replace(text, pattern, new),
}
SPREAD_KEY = "{{...}}"


def _replace(text, pattern: str, new: str) -> str:
    """IML ``replace``: a ``/regex/flags`` pattern is a regular expression (``g``: every match), else literal."""
    text = "" if text in (None, UNDEFINED) else str(text)
    m = re.fullmatch(r"/(.*)/([gimsuy]*)", pattern, re.S)
    if not m:
        return text.replace(pattern, new, 1)
    flags = re.I if "i" in m.group(2) else 0
    return re.sub(m.group(1), new, text, count=0 if "g" in m.group(2) else 1, flags=flags)


def evaluate(expr: str, ctx: dict):
    py = re.sub(r"\.`([^`]+)`", lambda m: f"[{m.group(1)!r}]", expr.strip())  # a.`b-c` -> a['b-c']
    py = re.sub(r"\bif\(", "_if(", py)
    py = py.replace("&&", " and ").replace("||", " or ")
    py = re.sub(r"!(?!=)", " not ", py)
    py = re.sub(r"\bundefined\b", "UNDEFINED", py)
    py = re.sub(r"\btrue\b", "True", py)
    py = re.sub(r"\bfalse\b", "False", py)
    py = re.sub(r"\bnull\b", "None", py)
    py = re.sub(r"\bemptyarray\b", "[]", py)
    names = {k: (_Bag(v) if isinstance(v, dict) else v) for k, v in ctx.items()}
    return eval(py, {"__builtins__": {}}, {**FUNCTIONS, "UNDEFINED": UNDEFINED, **names})


def render(value, ctx: dict):
    if isinstance(value, dict):
        out: dict = {}
        for k, v in value.items():
            rendered = render(v, ctx)
            if k == SPREAD_KEY:
                out.update(rendered if isinstance(rendered, dict) else {})
            else:
                out[k] = rendered
        return {k: v for k, v in out.items() if v is not UNDEFINED}
    if isinstance(value, list):
        return [render(v, ctx) for v in value]
    if not isinstance(value, str):
        return value
    whole = EXPR_RE.fullmatch(value)
    if whole:
        result = evaluate(whole.group(1), ctx)
        return dict(result) if isinstance(result, _Bag) else result
    return EXPR_RE.sub(lambda m: "" if (r := evaluate(m.group(1), ctx)) in (None, UNDEFINED) else str(r), value)


class AppError(Exception):
    """What Make shows when a module fails: the type and message from base's error mapping."""

    def __init__(self, kind: str, message: str, status: int):
        super().__init__(f"{kind}: {message}")
        self.kind, self.message, self.status = kind, message, status


@dataclass
class Connection:
    url: str
    apiKey: str


def run(
    component: str, name: str, parameters: dict, connection: Connection, extra: dict | None = None
) -> tuple[object, list[str]]:
    """Run one module or RPC; return its output and the requests it made (``METHOD path``)."""
    manifest = check_app.manifest()
    meta = manifest["components"][component][name]
    base = check_app.read_json(manifest["generalCodeFiles"]["base"])
    chain = check_app.requests_of(check_app.read_json(meta["codeFiles"]["communication"]))
    ctx = {"parameters": parameters, "connection": vars(connection), "temp": {}, **(extra or {})}
    output, made = None, []
    for req in chain:
        if "condition" in req and not render(req["condition"], ctx):
            continue
        if "url" not in req:  # request-less: the response is computed from the parameters alone
            output = _respond(req.get("response") or {}, ctx, output)
            continue
        runs = 0
        while True:
            runs += 1
            output = _one(req, base, ctx, made, output)
            rep = req.get("repeat")
            if not rep or runs >= rep["limit"] or not render(rep["condition"], ctx):
                break
            time.sleep(rep.get("delay", 0) / 1000)
    return output, made


def _one(req: dict, base: dict, ctx: dict, made: list[str], output):
    base_url = render(base["baseUrl"], ctx)
    url = render(req["url"], ctx)
    url = url if url.startswith("http") else base_url + url
    method = render(req.get("method", "GET"), ctx)
    headers = {**render(base.get("headers", {}), ctx), **render(req.get("headers", {}), ctx)}
    qs = render(req.get("qs", {}), ctx)
    body = render(req["body"], ctx) if "body" in req else None
    body = None if body is UNDEFINED else body
    resp = requests.request(
        method, url, headers={k: str(v) for k, v in headers.items()}, params=qs, json=body, timeout=40
    )
    made.append(f"{method} {url[len(base_url) :]}")
    answer = resp.json() if resp.content else None
    rctx = {
        **ctx,
        "body": answer,
        "statusCode": resp.status_code,
        "headers": dict((k.lower(), v) for k, v in resp.headers.items()),
    }
    if resp.status_code >= 400:
        spec = {**base["response"]["error"], **(req.get("response", {}).get("error") or {})}
        one = spec.get(str(resp.status_code), {})
        raise AppError(
            one.get("type", spec.get("type", "RuntimeError")),
            render(one.get("message", spec.get("message", "")), rctx),
            resp.status_code,
        )
    response = req.get("response") or {}
    valid = response.get("valid", True)
    condition = valid.get("condition", True) if isinstance(valid, dict) else valid
    if not render(condition, rctx):  # Make stops the module with the valid directive's error
        spec = valid if isinstance(valid, dict) else {}
        raise AppError(
            spec.get("type", "RuntimeError"),
            render(spec.get("message", "Response marked as invalid."), rctx),
            resp.status_code,
        )
    return _respond(response, rctx, output, ctx)


def _respond(response: dict, rctx: dict, output, ctx: dict | None = None):
    """Apply ``temp``, then ``iterate`` / ``output`` (``ctx``: where ``temp`` is kept, if not ``rctx``)."""
    ctx = rctx if ctx is None else ctx
    if "temp" in response:  # runs before the other response directives, which see it (Make's docs)
        ctx["temp"] = rctx["temp"] = {**ctx["temp"], **render(response["temp"], rctx)}
    if "iterate" in response:
        items = render(response["iterate"], rctx)
        return [render(response["output"], {**rctx, "item": item}) for item in items]
    if "output" in response:
        return render(response["output"], rctx)
    return output


def interface(module: str, parameters: dict, connection: Connection) -> list[dict]:
    """Return a module's output fields as Make shows them: each ``rpc://name`` entry replaced by what that RPC returns."""
    meta = check_app.manifest()["components"]["module"][module]
    out: list[dict] = []
    for item in check_app.read_json(meta["codeFiles"]["interface"]):
        if isinstance(item, str) and item.startswith("rpc://"):
            fields, _ = run("rpc", item[len("rpc://") :], parameters, connection)
            out += fields
        else:
            out.append(item)
    return out
