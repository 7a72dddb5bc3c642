"""Check the Make custom app in make_blueprints/app offline.

    python make_blueprints/scripts/check_app.py      # prints problems, exit 1 if any

- ``makecomapp.json`` against schema/makecomapp.schema.json, and every code file it lists against
  its section in schema/make-custom-app-sections.schema.json (both restate the JSON schemas Make's
  Apps SDK for VS Code applies to these files; each schema's description names its sources);
- the manifest and the files on disk agree (nothing unlisted, nothing missing);
- Make's app-review rules we can check statically: error handling and a sanitized authorization
  header in base, a password-typed API key and a test call in the connection, interface and
  samples on every module, an instant trigger bound to a webhook (and without scope, epoch or
  mappable parameters), `rpc://` references that exist, Title Case labels, descriptions that are
  sentences, a universal module whose URL is a path under the connection's base URL, dashed keys
  named the IML way (``headers.`retry-after```);
- in-module polling stays inside Make's 40 s module limit.
Checks against the running facade (paths, body fields, output fields) live in tests/make_blueprints/.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import jsonschema

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"
SCHEMA = ROOT / "schema"
MODULE_TIME_LIMIT_S = 40

#: (component type, code type) -> section definition in make-custom-app-sections.schema.json
SECTION_FOR = {
    ("connection", "communication"): "connectionCommunication",
    ("connection", "params"): "parameters",
    ("webhook", "communication"): "webhookCommunication",
    ("webhook", "params"): "parameters",
    ("webhook", "attach"): "webhookAttach",
    ("webhook", "detach"): "webhookDetach",
    ("module", "communication"): "communication",
    ("module", "staticParams"): "parameters",
    ("module", "mappableParams"): "parameters",
    ("module", "interface"): "interface",
    ("module", "samples"): "samples",
    ("module", "scope"): "scope",
    ("rpc", "communication"): "rpcCommunication",
    ("rpc", "params"): "parameters",
}
REQUIRED_CODES = {
    "action": {"communication", "mappableParams", "interface", "samples"},
    "search": {"communication", "mappableParams", "interface", "samples"},
    "universal": {"communication", "mappableParams", "interface", "samples"},
    "instant_trigger": {"interface", "samples"},
    "trigger": {"communication", "staticParams", "interface", "samples"},
}
#: code files a module type must not have: an instant trigger is fed by its webhook, so it has no
#: scope (no OAuth scope of its own), no epoch and no mappable parameters; only polling triggers have an epoch
FORBIDDEN_CODES = {
    "instant_trigger": {"scope", "epoch", "mappableParams"},
    "action": {"epoch"},
    "search": {"epoch"},
    "universal": {"epoch"},
}
SMALL_WORDS = {"a", "an", "the", "of", "to", "in", "on", "for", "and", "or"}
#: ``x['key']`` inside an IML expression: Make's IML names such keys ``x.`key```
BRACKET_KEY_RE = re.compile(r"\{\{[^}]*\w\[\s*['\"]")


def read_json(rel: str):
    return json.loads((APP / rel).read_text(encoding="utf-8"))


def manifest() -> dict:
    return read_json("makecomapp.json")


def section_validator(definition: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA / "make-custom-app-sections.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]})


def code_files(m: dict) -> list[tuple[str, str, str, str]]:
    """Return ``(component type, component name, code type, path)`` for every listed code file."""
    out = [("general", "general", code, path) for code, path in m["generalCodeFiles"].items() if path]
    for ctype, comps in m["components"].items():
        for name, meta in comps.items():
            out += [(ctype, name, code, path) for code, path in meta["codeFiles"].items()]
    return out


def requests_of(content) -> list[dict]:
    return content if isinstance(content, list) else [content]


#: ``{{if(condition, 6, 0)}}``: a wait that is one of two literal numbers
IF_NUMBERS_RE = re.compile(r"^\{\{\s*if\(.*,\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*\)\s*\}\}$", re.S)


def _wait_seconds(wait) -> float:
    """The most seconds one ``wait`` value (a number or an IML expression) may ask the facade to hold."""
    if isinstance(wait, (int, float)):
        return float(wait)
    m = IF_NUMBERS_RE.match(str(wait))
    return max(float(m.group(1)), float(m.group(2))) if m else 25.0


def poll_budget_seconds(requests: list[dict]) -> float:
    """Worst-case seconds a chain of requests may take: each facade ``wait`` and repeat delay, times its limit.

    A ``wait`` chosen between two numbers (``{{if(condition, 6, 0)}}``) counts as the larger; any
    other expression counts as 25 s, the most the modules let a user enter.
    """
    total = 0.0
    for r in requests:
        qs = r.get("qs") if isinstance(r.get("qs"), dict) else {}
        body_wait = r["body"].get("wait", 0) if isinstance(r.get("body"), dict) else 0
        one = _wait_seconds(qs.get("wait", 0)) + _wait_seconds(body_wait) + 0.5
        rep = r.get("repeat")
        total += one * rep["limit"] + rep.get("delay", 0) / 1000 * (rep["limit"] - 1) if rep else one
    return total


def base_problems(base: dict) -> list[str]:
    """App-review rules for base: a sanitized authorization header, typed 401 and 429 errors."""
    out = []
    if not any("authorization" in s.lower() for s in (base.get("log") or {}).get("sanitize") or []):
        out.append("base: log.sanitize must hide the authorization header")
    error = (base.get("response") or {}).get("error")
    for status, kind in (("401", "InvalidAccessTokenError"), ("429", "RateLimitError")):
        if not isinstance(error, dict) or (error.get(status) or {}).get("type") != kind:
            out.append(f"base: HTTP {status} must map to {kind}")
    return out


def problems(m: dict | None = None) -> list[str]:
    """Return every problem of the app (``m``: a manifest to check instead of makecomapp.json)."""
    out: list[str] = []
    m = manifest() if m is None else m
    mv = jsonschema.Draft202012Validator(json.loads((SCHEMA / "makecomapp.schema.json").read_text(encoding="utf-8")))
    out += [f"makecomapp.json: {e.json_path}: {e.message}" for e in mv.iter_errors(m)]
    if out:
        return out

    listed = set()
    for ctype, _name, code, path in code_files(m):
        listed.add(path)
        if not (APP / path).exists():
            out.append(f"{path}: listed in makecomapp.json but missing")
            continue
        if not path.endswith(".json"):
            continue
        try:
            content = read_json(path)
        except ValueError as exc:
            out.append(f"{path}: not JSON: {exc}")
            continue
        definition = (
            {"base": "base", "groups": "groups"}.get(code) if ctype == "general" else SECTION_FOR.get((ctype, code))
        )
        if definition is None:
            if code != "readme":
                out.append(f"{path}: no schema section for {ctype}/{code}")
            continue
        out += [f"{path}: {e.json_path}: {e.message}" for e in section_validator(definition).iter_errors(content)]
    on_disk = {p.relative_to(APP).as_posix() for p in APP.rglob("*") if p.is_file()} - {"makecomapp.json"}
    out += [f"{p}: on disk but not listed in makecomapp.json" for p in sorted(on_disk - listed)]

    comps = m["components"]
    out += base_problems(read_json(m["generalCodeFiles"]["base"]))
    for name, meta in comps["connection"].items():
        params = read_json(meta["codeFiles"]["params"])
        if not any(p["type"] == "password" for p in params):
            out.append(f"connection {name}: the API key parameter must be type password")
        api = read_json(meta["codeFiles"]["communication"])
        if not api.get("log", {}).get("sanitize"):
            out.append(f"connection {name}: the test call must sanitize its credentials")
    for name, meta in comps["webhook"].items():
        attach = read_json(meta["codeFiles"]["attach"]) if "attach" in meta["codeFiles"] else {}
        if "detach" in meta["codeFiles"] and "externalHookId" not in ((attach.get("response") or {}).get("data") or {}):
            out.append(f"webhook {name}: attach must keep response.data.externalHookId for detach")
    rpcs = set(comps["rpc"])
    for name, meta in comps["module"].items():
        kind = meta.get("moduleType")
        missing = REQUIRED_CODES.get(kind, set()) - set(meta["codeFiles"])
        out += [f"module {name}: {kind} needs a {code} file" for code in sorted(missing)]
        extra = FORBIDDEN_CODES.get(kind, set()) & set(meta["codeFiles"])
        out += [f"module {name}: an {kind} module has no {code} file" for code in sorted(extra)]
        if kind == "universal":
            for r in requests_of(read_json(meta["codeFiles"]["communication"])):
                if not str(r.get("url", "")).startswith("/"):
                    out.append(
                        f"module {name}: the universal module's url must be a path under the connection's "
                        f"base URL (start with a literal '/'), not {r.get('url')!r}"
                    )
        label = meta.get("label") or ""
        words = label.split()
        if not words or any(not w[0].isupper() for i, w in enumerate(words) if i == 0 or w not in SMALL_WORDS):
            out.append(f"module {name}: label {label!r} is not Title Case")
        if not (meta.get("description") or "").endswith("."):
            out.append(f"module {name}: description must be a sentence ending in a period")
        if kind == "instant_trigger":
            if meta.get("webhook") not in comps["webhook"]:
                out.append(f"module {name}: an instant trigger needs a webhook from makecomapp.json")
        elif meta.get("connection") not in comps["connection"]:
            out.append(f"module {name}: needs a connection from makecomapp.json")
        if "communication" in meta["codeFiles"]:
            budget = poll_budget_seconds(requests_of(read_json(meta["codeFiles"]["communication"])))
            if budget > MODULE_TIME_LIMIT_S - 5:
                out.append(f"module {name}: may run {budget:.0f} s, over Make's {MODULE_TIME_LIMIT_S} s module limit")
    if not any(meta.get("moduleType") == "universal" for meta in comps["module"].values()):
        out.append("app: no universal (Make an API Call) module")
    for _, _, code, path in code_files(m):
        if path.endswith(".json") and (APP / path).exists():
            text = (APP / path).read_text(encoding="utf-8")
            for ref in re.findall(r"rpc://([A-Za-z0-9_]+)", text):
                if ref not in rpcs:
                    out.append(f"{path}: rpc://{ref} is not an RPC in makecomapp.json")
            for options in re.findall(r'"options":\s*"([^"]*)"', text):
                if not options.startswith("rpc://"):
                    out.append(f"{path}: options {options!r} must be an rpc:// reference or a list")
            if code not in ("samples", "interface") and text.count("{{") != text.count("}}"):
                out.append(f"{path}: unbalanced IML braces")
            if BRACKET_KEY_RE.search(text):
                out.append(f"{path}: IML names a key as x['key']; Make's IML writes x.`key`")
    return out


def main() -> int:
    found = problems()
    for p in found:
        print(f"FAIL {p}", file=sys.stderr)
    print(f"custom app: {len(found)} problem(s).")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
